--- Gives running jobs back to `queued` without counting the attempt (graceful shutdown).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:released.
--- @include "per-job"

local prefix = KEYS[1]
local now = ARGV[1]

return perJob(prefix, now, 2, 2, function(i, id, key)
  local token = ARGV[i + 1]
  local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt', 'priority', 'runAt')
  if f[1] ~= 'running' or f[2] ~= token then
    return false
  end
  handBack(prefix, id, key, f, 'queued', f[6], now, 'job:released')
  return true
end)
