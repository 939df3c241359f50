--- Durable follow-ups (src/backend/follow-ups.ts): a job created with then/catch keeps the
--- FollowUpJob templates as JSON in its hash (fields fut, fuc) and is marked `kids`, so the
--- scripts that record its outcome (complete, fail, rescue: they already test `kids`) call
--- `followUp` in the same script, after their lease-token fence: the follow-up job is inserted
--- once, queued now, its input the template's or (piped) `payload`. A follow-up of a task with
--- limits carries them (`fk`, `fl`: src/backend/redis/job-args.ts `followUpArg`), so `place`
--- puts it in its limit group. The parent keeps the link to the job its outcome made (field
--- `fum`: the FollowUpRef JSON that jobFollowUps reads, src/backend/redis/reads.ts), which goes
--- with the parent's hash.
--- @include "new-job"
--- @include "place"
--- @include "events"
--- @include "list-index"

local function fuNumber(v)
  if v == nil or v == cjson.null then return '' end
  return string.format('%d', v)
end

--- `field` is 'fut' (completed) or 'fuc' (failed); `payload` the result or the error record JSON.
local function followUp(prefix, parentId, field, payload, now)
  local parentKey = prefix .. 'job:' .. parentId
  local tplJson = redis.call('HGET', parentKey, field)
  redis.call('HDEL', parentKey, 'fut', 'fuc')
  if not tplJson then return end
  local t = cjson.decode(tplJson)
  local jobKey = prefix .. 'job:' .. t.id
  if redis.call('EXISTS', jobKey) == 1 then return end
  local input = t.input
  if input == nil or input == cjson.null then input = payload end
  local priority = fuNumber(t.priority)
  writeJob(jobKey, t.task, t.queue, 'queued', priority, now, fuNumber(t.maxAttempts), input, now, nil)
  local fk = nil
  if type(t.fk) == 'string' then fk = t.fk end
  writeJobOptions(prefix, jobKey, t.id, '', nil, t.meta, fuNumber(t.leaseMs), fuNumber(t.timeoutMs), fk, t.fl)
  place(prefix, t.id, t.queue, 'queued', priority, now)
  redis.call('ZADD', prefix .. 'jobs', 0, t.id)
  -- Into the list indexes like every new job, or filtered lists (job-walk.lua) never see it.
  listNew(t.id, t.queue, 'queued', now, t.task)
  listFlush(prefix)
  redis.call('SADD', prefix .. 'queues', t.queue)
  count(t.queue, 'queued', 1)
  emit('job:enqueued', t.id, t.queue, 'queued', now, nil)
  local outcome = 'completed'
  if field == 'fuc' then outcome = 'failed' end
  redis.call('HSET', parentKey, 'fum',
    cjson.encode({ outcome = outcome, id = t.id, task = t.task, queue = t.queue, made = true }))
end
