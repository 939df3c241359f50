--- Records failed attempts of many running jobs (fenced by lease token): each goes back to
--- scheduled/queued for another attempt, or ends `failed` and cancels its dependents.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token, error record JSON, retryAt ("" = do not retry)
---
--- Returns { 0, kind1, id1, kind2, id2, … } with kind "r" (retried), "f" (failed), "x" (refused)
--- Publishes job:retried / job:failed (and job:cancelled for cascaded dependents).
--- @include "deps"
--- @include "workflow"
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
    if retryAt ~= '' and tonumber(attempt) < tonumber(f[5]) then
      local at = tonumber(retryAt)
      local state = 'queued'
      if at > nowN then state = 'scheduled' else at = nowN end
      redis.call('HSET', key, 'state', state, 'runAt', at, 'updatedAt', now)
      place(prefix, id, queue, state, f[6], at)
      count(queue, 'running', -1)
      count(queue, state, 1)
      emit('job:retried', id, queue, state, now,
        '{"attempt":' .. attempt .. ',"runAt":' .. at .. ',"error":' .. err .. '}')
      out[#out + 1] = 'r'
    else
      redis.call('HSET', key, 'state', 'failed', 'finishedAt', now, 'updatedAt', now)
      place(prefix, id, queue, 'failed', f[6], now)
      count(queue, 'running', -1)
      count(queue, 'failed', 1)
      emit('job:failed', id, queue, 'failed', now, '{"attempt":' .. attempt .. ',"error":' .. err .. '}')
      if f[7] then cancelDependents(prefix, id, now, 'dependency ' .. id .. ' failed', nil) end
      workflowJobFailed(prefix, id, now)
      out[#out + 1] = 'f'
    end
    out[#out + 1] = id
  end
end

endTransition(prefix, now)
return out
