--- Writes a workflow atomically: its record and every job (all or nothing). The caller has
--- checked that jobs carry no key and depend only on earlier jobs of the batch, so each job
--- starts `waiting` (with dependencies) or `queued`/`scheduled`.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  workflow id     ARGV[3] name     ARGV[4] policy     ARGV[5] spec (JSON)
--- ARGV[6]  number of jobs
--- ARGV[7…] the jobs, each in the layout of src/backend/redis/job-args.ts (read by readJob,
---          includes/job-args.lua)
---
--- Returns { 0, id1, state1, id2, state2, … }
---      or { -1, id } when the workflow id or a job id already exists (nothing written)
--- Publishes job:enqueued for every job.
--- @include "workflow"
--- @include "push"
--- @include "new-job"
--- @include "job-args"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local wf = ARGV[2]
local n = tonumber(ARGV[6])

if redis.call('EXISTS', prefix .. 'wf:' .. wf) == 1 then return { -1, wf } end
local pos = 7
for _ = 1, n do
  local id = ARGV[pos]
  if redis.call('EXISTS', prefix .. 'job:' .. id) == 1 then return { -1, id } end
  pos = skipJob(pos)
end

local out = { 0 }
local jobIds = {}
local members = {}
local queuesSeen = {}
pos = 7
local prev = nil
for _ = 1, n do
  local job
  job, pos = readJob(pos, prev)
  prev = job
  local id, task, queue, input = job.id, job.task, job.queue, job.input
  local priority, runAt, maxAttempts = job.priority, job.runAt, job.maxAttempts
  local meta, leaseMs, timeoutMs = job.meta, job.leaseMs, job.timeoutMs
  local d, depStart = job.d, job.depStart
  local deps, seen = {}, {}
  for j = 0, d - 1 do
    local dep = ARGV[depStart + j]
    if not seen[dep] then
      seen[dep] = true
      deps[#deps + 1] = dep
    end
  end
  local state
  if #deps > 0 then
    state = 'waiting'
  elseif tonumber(runAt) > nowN then
    state = 'scheduled'
  else
    state = 'queued'
  end
  local jobKey = prefix .. 'job:' .. id
  writeJob(jobKey, task, queue, state, priority, runAt, maxAttempts, input, now, wf)
  writeJobOptions(prefix, jobKey, id, '', nil, meta, leaseMs, timeoutMs, job.flowKey, job.flow)
  if #deps > 0 then linkDependencies(prefix, jobKey, id, deps, #deps) end
  place(prefix, id, queue, state, priority, runAt)
  jobIds[#jobIds + 1] = 0
  jobIds[#jobIds + 1] = id
  members[#members + 1] = id
  if not queuesSeen[queue] then
    queuesSeen[queue] = true
    redis.call('SADD', prefix .. 'queues', queue)
  end
  count(queue, state, 1)
  listNew(id, queue, state, now)
  emit('job:enqueued', id, queue, state, now, nil)
  out[#out + 1] = id
  out[#out + 1] = state
end

callMany('ZADD', prefix .. 'jobs', jobIds)
listFlush(prefix)
callMany('RPUSH', prefix .. 'wf:' .. wf .. ':jobs', members)
redis.call('HSET', prefix .. 'wf:' .. wf, 'name', ARGV[3], 'policy', ARGV[4], 'state', 'running',
  'spec', ARGV[5], 'total', n, 'createdAt', now)
redis.call('ZADD', prefix .. 'workflows', 0, wf)
redis.call('SADD', prefix .. 'workflows:running', wf)
endTransition(prefix, now)
return out
