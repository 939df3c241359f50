--- Recovers jobs whose lease expired (their worker died or stalled): back to `queued` with the
--- lost attempt counted and a LEASE_EXPIRED error recorded, or `failed` when no attempts are
--- left (cancelling dependents).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  most jobs to rescue
--- ARGV[3]  error message for the recorded error
---
--- Returns { 0, kind1, id1, … } with kind "r" (requeued) or "f" (failed)
--- Publishes job:rescued / job:failed (and job:cancelled for cascaded dependents).
--- @include "job-failed"
--- @include "push"

local prefix = KEYS[1]
local now = ARGV[1]
local limit = tonumber(ARGV[2])
local message = jstr(ARGV[3])
local out = { 0 }

local expired = redis.call('ZRANGEBYSCORE', prefix .. 'running', '-inf', now, 'LIMIT', 0, limit)
for i = 1, #expired do
  local id = expired[i]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'queue', 'attempt', 'maxAttempts', 'priority', 'runAt')
  redis.call('ZREM', prefix .. 'running', id)
  if f[1] == 'running' then
    local attempt = f[3]
    local err = '{"attempt":' .. attempt .. ',"name":"LeaseExpiredError","code":"LEASE_EXPIRED","message":'
      .. message .. ',"at":' .. now .. '}'
    local retry = nil
    -- Back to queued at its own runAt (rewritten unchanged), keeping its place in the queue.
    if tonumber(attempt) < tonumber(f[4]) then
      retry = { 'queued', f[6], 'job:rescued', '{"attempt":' .. attempt .. ',"error":' .. err .. '}' }
    end
    attemptEnded(prefix, out, key, id, f[2], f[5], now, attempt, err, true, retry)
  end
end

endTransition(prefix, now)
return out
