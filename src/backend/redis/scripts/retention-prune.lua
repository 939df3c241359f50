--- Removes finished jobs by age and/or count (no events: retention is housekeeping).
---
--- KEYS[1]  prefix
--- ARGV[1]  limit: most jobs removed in this call
--- ARGV[2]  completedBefore ("" = none)   ARGV[3] failedBefore ("" = none)
--- ARGV[4]  cancelledBefore ("" = none)   ARGV[5] completedKeep ("" = none)
--- ARGV[6]  failedKeep ("" = none)
---
--- Returns { 0, number of jobs removed }.
--- ARGV[7]  now (settles finished workflows; jobs of unsettled workflows are kept)
--- @include "deps"
--- @include "workflow"

local prefix = KEYS[1]
local limit = tonumber(ARGV[1])
if ARGV[7] then workflowSettle(prefix, ARGV[7]) end
local victims = {}
local seen = {}
local function add(ids) appendNew(victims, seen, ids) end

local function pick(state, before, keep)
  local key = prefix .. 'done:' .. state
  if before ~= '' then
    -- Newest first, as the memory backend orders them.
    add(redis.call('ZREVRANGEBYSCORE', key, '(' .. before, '-inf', 'LIMIT', 0, limit))
  end
  if keep ~= '' then add(redis.call('ZREVRANGE', key, tonumber(keep), tonumber(keep) + limit - 1)) end
end
pick('completed', ARGV[2], ARGV[5])
pick('failed', ARGV[3], ARGV[6])
pick('cancelled', ARGV[4], '')

local removed = 0
for i = 1, #victims do
  if removed >= limit then break end
  local id = victims[i]
  local f = redis.call('HMGET', prefix .. 'job:' .. id, unpack(REMOVE_FIELDS))
  if f[1] and FINAL[f[1]] then
    if not workflowRetains(prefix, id) then
      removeOne(prefix, id, f)
      removed = removed + 1
    end
  else
    -- A stale index entry (should not happen): drop it.
    redis.call('ZREM', prefix .. 'done:completed', id)
    redis.call('ZREM', prefix .. 'done:failed', id)
    redis.call('ZREM', prefix .. 'done:cancelled', id)
  end
end
flushCounts(prefix)
return { 0, removed }
