--- One fire of a schedule, atomically: the compare-and-set on nextFireAt (it must still hold
--- the fire time the caller saw, and the schedule must not be paused) AND the insert of the
--- fire's job, so a fire is recorded with its job or not at all. A manual run (expected "")
--- skips the compare and leaves the fire times alone.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  name
--- ARGV[3]  expectedFireAt ("" = a manual run)
--- ARGV[4]  nextFireAt to store ("" = null)
--- ARGV[5]  extra event data: a JSON object body without braces ("" = none)
--- ARGV[6]  "1" when a job follows, "0" for a skipped fire
--- ARGV[7]  runs kept per schedule: the fire is recorded in <prefix>schedule-runs:<name> (a list,
---          newest first, JSON entries { at, fireAt, jobId, skipped }) trimmed to this length
--- ARGV[8]  why a fire without a job was skipped ("" = not skipped)
--- ARGV[9…] the job, in the layout of src/backend/redis/job-args.ts (read by readJob,
---          includes/job-args.lua; no dependencies)
---
--- The job goes through the strategy at the cap (includes/cap-strategy.lua) like an enqueued
--- one: cancel-in-progress cancels the group's oldest live jobs in this script; drop-newest
--- writes no job and records the fire as skipped ("dropped"; runs, lastFireAt, lastJobId stay).
---
--- Returns { 0, won (0/1), jobId ("" = none), dropped (0/1), field1, value1, … (the schedule
---         hash after) }
---      or { -1, id } when the job id already exists (nothing written)
--- Publishes job:enqueued (a new job) and schedule:fired.
--- @include "schedule"
--- @include "place"
--- @include "push"
--- @include "new-batch"
--- @include "cap-strategy"

local prefix, now, name = KEYS[1], ARGV[1], ARGV[2]
local expected, nextFireAt, extra, hasJob = ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1'
local key = scheduleKey(prefix, name)

local dropped = false

local function reply(won, jobId)
  local out = { 0, won, jobId, dropped and 1 or 0 }
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat do out[#out + 1] = flat[i] end
  return out
end

local s = redis.call('HMGET', key, 'nextFireAt', 'paused')
if redis.call('EXISTS', key) == 0 then return reply(0, '') end
if expected ~= '' and (s[1] ~= expected or s[2] == '1') then return reply(0, '') end

local jobId = ''
if hasJob then
  local job = readJob(9, nil)
  local id, queue = job.id, job.queue
  if redis.call('EXISTS', prefix .. 'job:' .. id) == 1 then return { -1, id } end
  local keyField = nil
  if job.hasKey then
    keyField = job.task .. '\0' .. job.key
    jobId = redis.call('HGET', prefix .. 'keys', keyField) or ''
  end
  local state = initialState(0, job.runAt, tonumber(now))
  if jobId == '' and job.capStrategy and state == 'queued' then
    local c = cjson.decode(job.flow).c
    dropped = capApply(prefix, job.capStrategy, c[1], job.task, job.flowKey, c[2] == 1, id, now)
  end
  if jobId == '' and not dropped then
    jobId = id
    local jobKey = prefix .. 'job:' .. id
    writeJob(jobKey, job.task, queue, state, job.priority, job.runAt, job.maxAttempts, job.input, now, nil)
    writeJobOptions(prefix, jobKey, id, job.key, keyField, job.meta, job.leaseMs, job.timeoutMs, job.flowKey, job.flow)
    place(prefix, id, queue, state, job.priority, job.runAt)
    local batch = newBatch()
    batchAdd(prefix, batch, id, queue, state, now, job.task)
    flushBatch(prefix, batch)
    emit('job:enqueued', id, queue, state, now, nil)
    deliver(prefix, now)
    flushCounts(prefix)
  end
end

if expected ~= '' then
  if nextFireAt ~= '' then
    redis.call('HSET', key, 'nextFireAt', nextFireAt)
  else
    redis.call('HDEL', key, 'nextFireAt')
  end
  if jobId ~= '' then
    redis.call('HSET', key, 'lastFireAt', expected)
    redis.call('HINCRBY', key, 'runs', 1)
  end
end
if jobId ~= '' then redis.call('HSET', key, 'lastJobId', jobId) end
redis.call('HSET', key, 'updatedAt', now)

local runsKey = prefix .. 'schedule-runs:' .. name
local run = '{"at":' .. now .. ',"fireAt":' .. (expected ~= '' and expected or 'null')
run = run .. ',"jobId":' .. (jobId ~= '' and jstr(jobId) or 'null')
local skipped = dropped and 'dropped' or (ARGV[8] ~= '' and ARGV[8] or 'skipped')
run = run .. ',"skipped":' .. (jobId == '' and jstr(skipped) or 'null') .. '}'
redis.call('LPUSH', runsKey, run)
redis.call('LTRIM', runsKey, 0, tonumber(ARGV[7]) - 1)

local data = '"fireAt":' .. (expected ~= '' and expected or 'null')
data = data .. ',"nextFireAt":' .. (redis.call('HGET', key, 'nextFireAt') or 'null')
data = data .. ',"jobId":' .. (jobId ~= '' and jstr(jobId) or 'null')
if expected == '' then data = data .. ',"manual":true' end
if extra ~= '' then data = data .. ',' .. extra end
if dropped then data = data .. ',"skipped":"dropped"' end
emitSchedule('schedule:fired', name, now, data)
publish(prefix)
return reply(1, jobId)
