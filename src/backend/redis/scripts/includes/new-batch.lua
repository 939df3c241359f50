--- Writing a batch of new jobs read from ARGV (enqueue, workflow-enqueue, spawn, and the one job
--- of schedule-fire): the id check before anything is written, each job's dependencies and first
--- state, and the indexes every new job enters, written once per batch.
--- @include "job-args"
--- @include "new-job"
--- @include "place"
--- @include "events"

--- The first id among the `n` jobs from ARGV[pos] that exists already, or nil.
local function takenId(prefix, pos, n)
  for _ = 1, n do
    local id = ARGV[pos]
    if redis.call('EXISTS', prefix .. 'job:' .. id) == 1 then return id end
    pos = skipJob(pos)
  end
  return nil
end

--- The job's dependency ids, each once, in order. `alias` (or nil) maps the id of a job of the
--- batch that matched an existing one (key or dedupe) to that job's id.
local function jobDeps(job, alias)
  local deps, seen = {}, {}
  for j = 0, job.d - 1 do
    local dep = ARGV[job.depStart + j]
    if alias then dep = alias[dep] or dep end
    if not seen[dep] then
      seen[dep] = true
      deps[#deps + 1] = dep
    end
  end
  return deps
end

--- The state a new job starts in: `waiting` on `pending` unfinished dependencies, else
--- `scheduled` while runAt is ahead of now, else `queued`.
local function initialState(pending, runAt, nowN)
  if pending > 0 then return 'waiting' end
  if tonumber(runAt) > nowN then return 'scheduled' end
  return 'queued'
end

--- A batch's shared writes: ids for the one ZADD to <prefix>jobs, the queues already added to
--- <prefix>queues.
local function newBatch()
  return { ids = {}, queues = {} }
end

--- Counts new job `id` into the batch: the id index and the list indexes (written by
--- flushBatch), its queue, the state counters.
local function batchAdd(prefix, batch, id, queue, state, now, task)
  local ids = batch.ids
  ids[#ids + 1] = 0
  ids[#ids + 1] = id
  if not batch.queues[queue] then
    batch.queues[queue] = true
    redis.call('SADD', prefix .. 'queues', queue)
  end
  count(queue, state, 1)
  listNew(id, queue, state, now, task)
end

local function flushBatch(prefix, batch)
  -- The id index (score 0, so members sort lexicographically: UUIDv7 ids sort by creation).
  callMany('ZADD', prefix .. 'jobs', batch.ids)
  listFlush(prefix)
end

--- Writes a job of a workflow or of a spawn (`wf`: the workflow id, or nil): it has no key and no
--- dedupe window, and depends only on jobs written before it (the caller checked both), so it
--- starts `waiting` on all of them, or queued or scheduled. Returns its key and state.
local function writeMember(prefix, batch, job, wf, now, nowN)
  local id, queue = job.id, job.queue
  local deps = jobDeps(job, nil)
  local state = initialState(#deps, job.runAt, nowN)
  local jobKey = prefix .. 'job:' .. id
  writeJob(jobKey, job.task, queue, state, job.priority, job.runAt, job.maxAttempts, job.input, now, wf)
  writeJobOptions(prefix, jobKey, id, '', nil, job.meta, job.leaseMs, job.timeoutMs, job.flowKey, job.flow)
  if #deps > 0 then linkDependencies(prefix, jobKey, id, deps, #deps) end
  place(prefix, id, queue, state, job.priority, job.runAt)
  batchAdd(prefix, batch, id, queue, state, now, job.task)
  emit('job:enqueued', id, queue, state, now, nil)
  return jobKey, state
end
