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
  local state = 'queued'
  if tonumber(runAt) > nowN then state = 'scheduled' end
  handBack(prefix, id, key, f, state, runAt, now, 'job:retried', 'runAt', runAt)
  return true
end)
