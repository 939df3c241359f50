--- Gives running jobs back to wait until their runAt without counting the attempt (a
--- handler's RateLimitedError): `scheduled`, or `queued` when runAt is not ahead of now.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token, runAt
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:retried.
--- @include "per-job"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)

return perJob(prefix, now, 2, 3, function(i, id, key)
  local token, runAt = ARGV[i + 1], ARGV[i + 2]
  local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt', 'priority')
  if f[1] ~= 'running' or f[2] ~= token then
    return false
  end
  local queue = f[3]
  local attempt = tonumber(f[4]) - 1
  if attempt < 0 then attempt = 0 end
  local state = 'queued'
  if tonumber(runAt) > nowN then state = 'scheduled' end
  redis.call('HSET', key, 'state', state, 'attempt', attempt, 'runAt', runAt, 'updatedAt', now)
  redis.call('ZREM', prefix .. 'running', id)
  place(prefix, id, queue, state, f[5], runAt)
  count(queue, 'running', -1)
  count(queue, state, 1)
  emit('job:retried', id, queue, state, now, nil)
  return true
end)
