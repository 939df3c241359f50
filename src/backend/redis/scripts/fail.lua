--- Records failed attempts of many running jobs (fenced by lease token): each goes back to
--- scheduled/queued for another attempt, or ends `failed` and cancels its dependents.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token, error record JSON, retryAt ("" = do not retry)
---
--- Returns { 0, kind1, id1, kind2, id2, … } with kind "r" (retried), "f" (failed), "x" (refused)
--- Publishes job:retried / job:failed (and job:cancelled for cascaded dependents).
--- @include "job-failed"
--- @include "push"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local out = { 0 }

for i = 2, #ARGV, 4 do
  local id, token, err, retryAt = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt', 'maxAttempts', 'priority', 'kids')
  if f[1] ~= 'running' or f[2] ~= token then
    out[#out + 1] = 'x'
    out[#out + 1] = id
  else
    local attempt = f[4]
    local retry = nil
    if retryAt ~= '' and tonumber(attempt) < tonumber(f[5]) then
      local at = tonumber(retryAt)
      local state = 'queued'
      if at > nowN then state = 'scheduled' else at = nowN end
      retry = { state, at, 'job:retried', '{"attempt":' .. attempt .. ',"runAt":' .. at .. ',"error":' .. err .. '}' }
    end
    attemptEnded(prefix, out, key, id, f[3], f[6], now, attempt, err, f[7], retry)
  end
end

endTransition(prefix, now)
return out
