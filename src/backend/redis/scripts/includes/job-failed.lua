--- The end of a job whose attempts are spent (fail.lua, rescue.lua): `failed`, the
--- job:failed event, its dependents cancelled, its workflow told (failFast).
--- @include "deps"
--- @include "workflow"

--- `cascade` false skips the dependents' lookup (the job's hash says it has none).
local function jobFailed(prefix, key, id, queue, priority, now, attempt, err, cascade)
  redis.call('HSET', key, 'state', 'failed', 'finishedAt', now, 'updatedAt', now)
  place(prefix, id, queue, 'failed', priority, now)
  count(queue, 'failed', 1)
  emit('job:failed', id, queue, 'failed', now, '{"attempt":' .. attempt .. ',"error":' .. err .. '}')
  if cascade then cancelDependents(prefix, id, now, 'dependency ' .. id .. ' failed', nil) end
  workflowJobFailed(prefix, id, now)
end
