--- The frame of the per-job transition scripts (release, backoff, retry, job-promote,
--- job-update): visit each job's group of arguments, sort the ids into applied and refused,
--- end the transition (publish the events, offer queued jobs to parked workers), and reply
--- { 0, okCount, ok ids…, refused ids… }.
--- @include "events"
--- @include "place"
--- @include "push"

--- Calls `apply(i, id, key)` for each job's group of `step` arguments, from ARGV[first]: ARGV[i]
--- is the job id, `key` its hash; `apply` returns true when it applied the transition, false
--- when it refused.
local function perJob(prefix, now, first, step, apply)
  local ok, refused = {}, {}
  for i = first, #ARGV, step do
    local id = ARGV[i]
    if apply(i, id, prefix .. 'job:' .. id) then
      ok[#ok + 1] = id
    else
      refused[#refused + 1] = id
    end
  end
  endTransition(prefix, now)
  return idsReply(ok, refused)
end

--- Hands running job `id` (hash `key`, fields `f`: queue, attempt, priority at f[3], f[4], f[5])
--- back to `state` at `score` without counting the attempt it was running; `...` are more hash
--- fields to set. Publishes `event`.
local function handBack(prefix, id, key, f, state, score, now, event, ...)
  local queue = f[3]
  local attempt = tonumber(f[4]) - 1
  if attempt < 0 then attempt = 0 end
  redis.call('HSET', key, 'state', state, 'attempt', attempt, 'updatedAt', now, ...)
  redis.call('ZREM', prefix .. 'running', id)
  place(prefix, id, queue, state, f[5], score)
  count(queue, 'running', -1)
  count(queue, state, 1)
  emit(event, id, queue, state, now, nil)
end
