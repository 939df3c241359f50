--- The end of an attempt that did not succeed (fail.lua, rescue.lua), and of a job whose attempts
--- are spent: `failed`, the job:failed event, its `catch` follow-up inserted, its dependents
--- cancelled, its workflow told (failFast).
--- @include "deps"
--- @include "workflow"
--- @include "follow-up"

--- `cascade` false skips the dependents' and follow-ups' lookup (the job's hash says it has none:
--- no `kids`). `err` is the last error record's JSON (a piped catch's input).
local function jobFailed(prefix, key, id, queue, priority, now, attempt, err, cascade)
  redis.call('HSET', key, 'state', 'failed', 'finishedAt', now, 'updatedAt', now)
  place(prefix, id, queue, 'failed', priority, now)
  count(queue, 'failed', 1)
  emit('job:failed', id, queue, 'failed', now, '{"attempt":' .. attempt .. ',"error":' .. err .. '}')
  if cascade then
    followUp(prefix, id, 'fuc', err, now)
    cancelDependents(prefix, id, now, 'dependency ' .. id .. ' failed', nil)
  end
  workflowJobFailed(prefix, id, now)
end

--- Ends the running attempt of job `id` with error record `err`: the error appended, the job off
--- the running set. `retry` nil: the job ends `failed` (jobFailed); else { state, runAt, event,
--- data }: back to `state` (queued or scheduled) at runAt, publishing `event`. Appends the kind
--- ('r' retried, 'f' failed) and the id to `out`.
local function attemptEnded(prefix, out, key, id, queue, priority, now, attempt, err, cascade, retry)
  appendError(key, err)
  redis.call('ZREM', prefix .. 'running', id)
  count(queue, 'running', -1)
  if retry then
    local state, at = retry[1], retry[2]
    redis.call('HSET', key, 'state', state, 'runAt', at, 'updatedAt', now)
    place(prefix, id, queue, state, priority, at)
    count(queue, state, 1)
    emit(retry[3], id, queue, state, now, retry[4])
    out[#out + 1] = 'r'
  else
    jobFailed(prefix, key, id, queue, priority, now, attempt, err, cascade)
    out[#out + 1] = 'f'
  end
  out[#out + 1] = id
end
