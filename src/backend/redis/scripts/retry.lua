--- Runs `failed` or `cancelled` jobs again: queued now, attempt count starting over.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] job ids
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:enqueued with data { retry: true }.
--- @include "per-job"

local prefix = KEYS[1]
local now = ARGV[1]

return perJob(prefix, now, 2, 1, function(i, id, key)
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority')
  if f[1] ~= 'failed' and f[1] ~= 'cancelled' then
    return false
  end
  local queue = f[2]
  unplace(prefix, id, queue, f[1], f[3])
  redis.call('HSET', key, 'state', 'queued', 'attempt', 0, 'runAt', now, 'pending', 0, 'updatedAt', now)
  redis.call('HDEL', key, 'finishedAt')
  place(prefix, id, queue, 'queued', f[3], now)
  count(queue, f[1], -1)
  count(queue, 'queued', 1)
  emit('job:enqueued', id, queue, 'queued', now, '{"retry":true}')
  return true
end)
