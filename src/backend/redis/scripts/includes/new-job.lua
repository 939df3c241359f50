--- Writing a new job's hash, shared by every script that creates jobs (enqueue, workflow-enqueue,
--- schedule-fire). attempt (0) and updatedAt (= createdAt) are left out: absent means exactly
--- that (records.ts), and every field costs Redis time on the hottest write.

--- The fields every job has; `wf` (the workflow id) only for workflow jobs.
local function writeJob(jobKey, task, queue, state, priority, runAt, maxAttempts, input, now, wf)
  if wf then
    redis.call('HSET', jobKey, 'task', task, 'queue', queue, 'state', state, 'priority', priority,
      'runAt', runAt, 'maxAttempts', maxAttempts, 'input', input, 'createdAt', now, 'wf', wf)
  else
    redis.call('HSET', jobKey, 'task', task, 'queue', queue, 'state', state, 'priority', priority,
      'runAt', runAt, 'maxAttempts', maxAttempts, 'input', input, 'createdAt', now)
  end
end

--- The optional fields ("" = absent). keyField: the `keys` hash field (task NUL key) claiming
--- `key` for this job, or nil. flowKey (nil: no limits) and flow: the job's limits
--- (includes/flow-keys.lua), fields `fk` and `fl`.
local function writeJobOptions(prefix, jobKey, id, key, keyField, meta, leaseMs, timeoutMs, flowKey, flow)
  if flowKey then redis.call('HSET', jobKey, 'fk', flowKey, 'fl', flow) end
  if keyField then
    redis.call('HSET', jobKey, 'key', key)
    redis.call('HSET', prefix .. 'keys', keyField, id)
  end
  if meta ~= '' then redis.call('HSET', jobKey, 'meta', meta) end
  if leaseMs ~= '' then redis.call('HSET', jobKey, 'leaseMs', leaseMs) end
  if timeoutMs ~= '' then redis.call('HSET', jobKey, 'timeoutMs', timeoutMs) end
end

--- Records that job `id` waits for `deps`, `pending` of which are unfinished.
local function linkDependencies(prefix, jobKey, id, deps, pending)
  redis.call('HSET', jobKey, 'dependsOn', cjson.encode(deps), 'pending', pending)
  for j = 1, #deps do
    redis.call('SADD', prefix .. 'children:' .. deps[j], id)
    redis.call('HSET', prefix .. 'job:' .. deps[j], 'kids', 1)
  end
end
