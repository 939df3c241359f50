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
    local queue, attempt = f[3], f[4]
    appendError(key, err)
    redis.call('ZREM', prefix .. 'running', id)
    count(queue, 'running', -1)
    if retryAt ~= '' and tonumber(attempt) < tonumber(f[5]) then
      local at = tonumber(retryAt)
      local state = 'queued'
      if at > nowN then state = 'scheduled' else at = nowN end
      redis.call('HSET', key, 'state', state, 'runAt', at, 'updatedAt', now)
      place(prefix, id, queue, state, f[6], at)
      count(queue, state, 1)
      emit('job:retried', id, queue, state, now,
        '{"attempt":' .. attempt .. ',"runAt":' .. at .. ',"error":' .. err .. '}')
      out[#out + 1] = 'r'
    else
      jobFailed(prefix, key, id, queue, f[6], now, attempt, err, f[7])
      out[#out + 1] = 'f'
    end
    out[#out + 1] = id
  end
end

endTransition(prefix, now)
return out
