--- The change feed: transitions append events here and `publish` sends them as ONE message per
--- script (a JSON array of BackendEvent objects) on channel <prefix>events. Decoding on the
--- Node side is a single JSON.parse that yields the BackendEvent objects as they are.
--- @include "util"

local events = {}
local queueJson = {}

local function emit(etype, id, queue, state, at, data)
  local q = queueJson[queue]
  if not q then
    q = jstr(queue)
    queueJson[queue] = q
  end
  local e = '{"type":"' .. etype .. '","jobId":' .. jstr(id) .. ',"queue":' .. q .. ',"at":' .. at
  if state then e = e .. ',"state":"' .. state .. '"' end
  if data then e = e .. ',"data":' .. data end
  events[#events + 1] = e .. '}'
end

local function publish(prefix)
  if #events > 0 then
    redis.call('PUBLISH', prefix .. 'events', '[' .. table.concat(events, ',') .. ']')
  end
end
