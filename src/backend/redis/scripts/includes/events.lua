--- The change feed: transitions append events here and `publish` sends them as ONE message per
--- script on channel <prefix>events: a JSON array whose elements are either one BackendEvent
--- object, or a compact group of hot-path events of one kind (decoded to the same BackendEvent
--- objects on the Node side, see feed.ts), so a batch of N jobs costs a few concatenations
--- rather than N JSON objects:
---   ["e", queue, at, state, [ids]]                 job:enqueued (no data)
---   ["s", queue, at, workerId, [ids], [attempts]]  job:started, state running
---   ["c", queue, at, [ids], [attempts]]            job:completed, state completed
--- Events keep their order: a group holds a run of consecutive events with the same head.
---
--- Two channels: the "s" and "c" groups (one event per job started or completed: most of the
--- traffic) go to <prefix>events:flow, everything else to <prefix>events. A process subscribes
--- to the flow channel only when a listener wants those types, so workers — which need only
--- wake-ups and cancellations — do not each receive every other worker's per-job events.
--- A script's events are published as runs per channel, in order; one subscriber connection
--- receives messages in publish order, so a listener of both channels sees the script's order.
--- @include "util"

local events = {}
--- flowAt[i] = true when events[i] belongs on the flow channel.
local flowAt = {}
local FLOW_KINDS = { s = true, c = true }
local queueJson = {}

local groupHead = nil
local gKind, gQueue, gAt, gExtra = nil, nil, nil, nil
local groupIds = {}
local groupNums = {}
local groupN = 0

local function qjson(queue)
  local q = queueJson[queue]
  if not q then
    q = jstr(queue)
    queueJson[queue] = q
  end
  return q
end

--- JSON array of strings. cjson escapes in C: a Lua pattern scan for characters to escape
--- (string.find with a class) costs about 50 ns per byte, ~2 µs per job id.
local function jstrArray(items)
  return cjson.encode(items)
end

local function flushGroup()
  if groupHead == nil then return end
  local e = groupHead .. jstrArray(groupIds)
  if groupNums[1] ~= nil then e = e .. ',[' .. table.concat(groupNums, ',') .. ']' end
  local n = #events + 1
  events[n] = e .. ']'
  if FLOW_KINDS[gKind] then flowAt[n] = true end
  groupHead, gKind, groupIds, groupNums, groupN = nil, nil, {}, {}, 0
end

--- Appends one hot-path event to the current group (a new group when the head changes).
--- kind "e": extra = state; "s": extra = workerId, num = attempt; "c": num = attempt.
local function emitGrouped(kind, id, queue, at, extra, num)
  if kind ~= gKind or queue ~= gQueue or at ~= gAt or extra ~= gExtra then
    flushGroup()
    gKind, gQueue, gAt, gExtra = kind, queue, at, extra
    local head = '["' .. kind .. '",' .. qjson(queue) .. ',' .. at .. ','
    if extra then head = head .. jstr(extra) .. ',' end
    groupHead = head
  end
  groupN = groupN + 1
  groupIds[groupN] = id
  if num then groupNums[groupN] = num end
end

--- Appends a whole group of one kind at once (hot loops collect ids and nums themselves, so
--- a batch costs no call per job). Same layout as emitGrouped.
local function emitGroup(kind, queue, at, extra, ids, nums)
  flushGroup()
  local e = '["' .. kind .. '",' .. qjson(queue) .. ',' .. at .. ','
  if extra then e = e .. jstr(extra) .. ',' end
  e = e .. jstrArray(ids)
  if nums then e = e .. ',[' .. table.concat(nums, ',') .. ']' end
  local n = #events + 1
  events[n] = e .. ']'
  if FLOW_KINDS[kind] then flowAt[n] = true end
end

local function emit(etype, id, queue, state, at, data)
  flushGroup()
  local e = '{"type":"' .. etype .. '","jobId":' .. jstr(id) .. ',"queue":' .. qjson(queue) .. ',"at":' .. at
  if state then e = e .. ',"state":"' .. state .. '"' end
  if data then e = e .. ',"data":' .. data end
  events[#events + 1] = e .. '}'
end

local function publish(prefix)
  flushGroup()
  local n = #events
  local i = 1
  while i <= n do
    local flow = flowAt[i] == true
    local j = i
    while j < n and (flowAt[j + 1] == true) == flow do j = j + 1 end
    local channel = flow and 'events:flow' or 'events'
    redis.call('PUBLISH', prefix .. channel, '[' .. table.concat(events, ',', i, j) .. ']')
    i = j + 1
  end
end
