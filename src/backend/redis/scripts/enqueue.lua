--- Inserts a batch of jobs atomically: validates every job first (ids new, dependencies exist
--- or come earlier in the batch), then writes all of them, or nothing.
---
--- KEYS[1]  prefix, e.g. "{spool}:" (every key of the store starts with it; one hash slot)
--- ARGV[1]  now (epoch ms, from the backend's clock)
--- ARGV[2]  number of jobs
--- ARGV[3…] the jobs, each in the layout of src/backend/redis/job-args.ts (read by readJob,
---          includes/job-args.lua)
---
--- Returns { 0, codes, existingId1, existingState1, … }: codes has one character per job, in
---         order: the initial of the state a new job got (q queued, s scheduled, w waiting,
---         c cancelled), or x when an idempotency key matched an existing job, or u when a
---         dedupe window did (includes/dedupe.lua), whose id and state follow in the extras
---         (in order), or D when the drop-newest strategy dropped it (includes/cap-strategy.lua:
---         nothing written). One short string instead of 3 items per job.
---      or { -1, id } when a job id already exists (nothing written)
---      or { -2, id } when a dependency does not exist (nothing written)
--- Publishes job:enqueued for every created job.
--- @include "deps"
--- @include "push"
--- @include "new-batch"
--- @include "dedupe"
--- @include "cap-strategy"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local n = tonumber(ARGV[2])

-- Pass 1: validate. One EXISTS over every new id (per slice); only when some id is taken does
-- the loop below check ids one by one, so the first offending job is the one reported.
local jobKeys = {}
local pos = 3
for k = 1, n do
  jobKeys[k] = prefix .. 'job:' .. ARGV[pos]
  pos = skipJob(pos)
end
local taken = 0
for i = 1, n, 4000 do
  taken = taken + redis.call('EXISTS', unpack(jobKeys, i, math.min(i + 3999, n)))
end
local inBatch = {}
pos = 3
for k = 1, n do
  local job
  job, pos = readJob(pos, nil)
  if taken > 0 and redis.call('EXISTS', jobKeys[k]) == 1 then return { -1, job.id } end
  for j = 0, job.d - 1 do
    local dep = ARGV[job.depStart + j]
    if not inBatch[dep] and redis.call('EXISTS', prefix .. 'job:' .. dep) == 0 then return { -2, dep } end
  end
  inBatch[job.id] = true
end

-- Pass 2: write.
local out = { 0, '' }
local codes = {}
local alias = {}
local batchKeys = {}
local batch = newBatch()
-- Queued jobs go to their ready set in one ZADD per (queue, priority) at the end.
local readyAdds = {}
local readyKeys = {}
eachJob(3, n, function(job, k)
  local id, queue, priority, runAt = job.id, job.queue, job.priority, job.runAt
  local existing = nil
  local keyField = nil
  if job.hasKey then
    keyField = job.task .. '\0' .. job.key
    existing = batchKeys[keyField] or redis.call('HGET', prefix .. 'keys', keyField)
  end
  -- A key or a dedupe window that matches an existing job: this one is not written.
  local match, matchState, code = nil, nil, nil
  if existing then
    match, matchState, code = existing, redis.call('HGET', prefix .. 'job:' .. existing, 'state') or 'queued', 'x'
  elseif job.dMode then
    match, matchState = dedupeMatch(prefix, job, now, nowN)
    code = 'u'
  end
  if match then
    codes[k] = code
    out[#out + 1] = match
    out[#out + 1] = matchState
    alias[id] = match
    return
  end
  local deps = jobDeps(job, alias)
  local pending = 0
  local doomed = false
  for j = 1, #deps do
    local ps = redis.call('HGET', prefix .. 'job:' .. deps[j], 'state')
    if ps ~= 'completed' then pending = pending + 1 end
    if ps == 'failed' or ps == 'cancelled' then doomed = true end
  end
  local state = doomed and 'cancelled' or initialState(pending, runAt, nowN)
  -- The strategy at the cap (includes/cap-strategy.lua), only for a job that enters queued.
  if job.capStrategy and state == 'queued' then
    local c = cjson.decode(job.flow).c
    if capApply(prefix, job.capStrategy, c[1], job.task, job.flowKey, c[2] == 1, id, now) then
      codes[k] = 'D'
      return
    end
  end
  if job.dMode then dedupeRecord(prefix, job, id, now) end
  if keyField then batchKeys[keyField] = id end
  local jobKey = jobKeys[k]
  writeJob(jobKey, job.task, queue, state, priority, runAt, job.maxAttempts, job.input, now, nil)
  writeJobOptions(prefix, jobKey, id, job.key, keyField, job.meta, job.leaseMs, job.timeoutMs, job.flowKey, job.flow)
  if #deps > 0 then linkDependencies(prefix, jobKey, id, deps, pending) end
  -- Follow-ups (includes/follow-up.lua): kept in the hash; `kids` makes the outcome look.
  if job.fuThen and job.fuThen ~= '' then redis.call('HSET', jobKey, 'fut', job.fuThen, 'kids', 1) end
  if job.fuCatch and job.fuCatch ~= '' then redis.call('HSET', jobKey, 'fuc', job.fuCatch, 'kids', 1) end
  if doomed then
    redis.call('HSET', jobKey, 'finishedAt', now)
    place(prefix, id, queue, state, priority, now)
  elseif state == 'queued' and job.flowKey then
    placeFlow(prefix, id, queue, job.task, job.flowKey, priority, runAt)
  elseif state == 'queued' then
    local byPrio = readyKeys[queue]
    if not byPrio then
      byPrio = {}
      readyKeys[queue] = byPrio
    end
    local rk = byPrio[priority]
    if not rk then
      rk = prefix .. 'ready:' .. queue .. ':' .. priority
      byPrio[priority] = rk
      readyAdds[rk] = {}
      local pk = queue .. '\0' .. priority
      if not prioKnown[pk] then
        redis.call('ZADD', prefix .. 'prio:' .. queue, priority, priority)
        prioKnown[pk] = true
      end
    end
    touchedQueues[queue] = true
    local adds = readyAdds[rk]
    adds[#adds + 1] = runAt
    adds[#adds + 1] = id
  else
    place(prefix, id, queue, state, priority, runAt)
  end
  batchAdd(prefix, batch, id, queue, state, now, job.task)
  emitGrouped('e', id, queue, now, state)
  codes[k] = string.sub(state, 1, 1)
end)

flushBatch(prefix, batch)
for rk, adds in pairs(readyAdds) do callMany('ZADD', rk, adds) end
endTransition(prefix, now)
out[2] = table.concat(codes)
return out
