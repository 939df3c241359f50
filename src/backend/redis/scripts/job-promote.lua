--- Runs scheduled (delayed) jobs now: queued, due at now, offered to parked workers.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] job ids
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:enqueued with data { promoted: true }.
--- @include "per-job"

local prefix = KEYS[1]
local now = ARGV[1]

return perJob(prefix, now, 2, 1, function(i, id, key)
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority')
  if f[1] ~= 'scheduled' then
    return false
  end
  local queue = f[2]
  unplace(prefix, id, queue, 'scheduled', f[3])
  redis.call('HSET', key, 'state', 'queued', 'runAt', now, 'updatedAt', now)
  place(prefix, id, queue, 'queued', f[3], now)
  count(queue, 'scheduled', -1)
  count(queue, 'queued', 1)
  emit('job:enqueued', id, queue, 'queued', now, '{"promoted":true}')
  return true
end)
