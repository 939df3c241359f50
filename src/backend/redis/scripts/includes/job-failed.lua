--- The end of a job whose attempts are spent (fail.lua, rescue.lua): `failed`, the
--- job:failed event, its `catch` follow-up inserted, its dependents cancelled, its workflow
--- told (failFast).
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
