--- Edits jobs that have not started (waiting, scheduled, queued): new priority and/or input.
--- A queued job moves to the ready set of its new priority, keeping its runAt.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  priority ("" = keep)
--- ARGV[3]  input ("-" = keep, else "=" .. serialized input)
--- ARGV[4]  the job:updated event's data (JSON)
--- ARGV[5…] job ids
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:updated (state unchanged).
--- @include "per-job"

local prefix = KEYS[1]
local now = ARGV[1]
local priority = ARGV[2]
local input = nil
if ARGV[3] ~= '-' then input = string.sub(ARGV[3], 2) end
local data = ARGV[4]
local EDITABLE = { waiting = true, scheduled = true, queued = true }

return perJob(prefix, now, 5, 1, function(i, id, key)
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority', 'runAt')
  local state = f[1]
  if not state or not EDITABLE[state] then
    return false
  end
  local queue = f[2]
  if priority ~= '' and priority ~= f[3] then
    if state == 'queued' then
      unplace(prefix, id, queue, state, f[3])
      place(prefix, id, queue, state, priority, f[4])
    end
    redis.call('HSET', key, 'priority', priority)
  end
  if input then redis.call('HSET', key, 'input', input) end
  redis.call('HSET', key, 'updatedAt', now)
  emit('job:updated', id, queue, state, now, data)
  return true
end)
