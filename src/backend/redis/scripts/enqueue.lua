--- Inserts a batch of jobs atomically: validates every job first (ids new, dependencies exist
--- or come earlier in the batch), then writes all of them, or nothing.
---
--- KEYS[1]  prefix, e.g. "{spool}:" (every key of the store starts with it; one hash slot)
--- ARGV[1]  now (epoch ms, from the backend's clock)
--- ARGV[2]  number of jobs
--- ARGV[3…] per job: id, task ("" = the previous job's), queue ("" = the previous job's), input,
---          priority, runAt, maxAttempts, then
---          ""  (no key, meta, leaseMs, timeoutMs or dependencies: the common case), or
---          "+" followed by key ("" = none, else "=" .. key), meta JSON ("" = {}),
---          leaseMs ("" = null), timeoutMs ("" = null), dependency count D, D dependency ids
---
--- Returns { 0, codes, existingId1, existingState1, … }: codes has one character per job, in
---         order: the initial of the state a new job got (q queued, s scheduled, w waiting,
---         c cancelled), or x when an idempotency key matched an existing job, whose id and
---         state follow in the extras (in order). One short string instead of 3 items per job.
---      or { -1, id } when a job id already exists (nothing written)
---      or { -2, id } when a dependency does not exist (nothing written)
--- Publishes job:enqueued for every created job.
--- @include "deps"
--- @include "push"
--- @include "new-job"

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
  if ARGV[pos + 7] == '' then
    pos = pos + 8
  else
    pos = pos + 13 + tonumber(ARGV[pos + 12])
  end
end
local taken = 0
for i = 1, n, 4000 do
  taken = taken + redis.call('EXISTS', unpack(jobKeys, i, math.min(i + 3999, n)))
end
local inBatch = {}
pos = 3
for k = 1, n do
  local id = ARGV[pos]
  if taken > 0 and redis.call('EXISTS', jobKeys[k]) == 1 then return { -1, id } end
  if ARGV[pos + 7] == '' then
    pos = pos + 8
  else
    local d = tonumber(ARGV[pos + 12])
    for j = 1, d do
      local dep = ARGV[pos + 12 + j]
      if not inBatch[dep] and redis.call('EXISTS', prefix .. 'job:' .. dep) == 0 then return { -2, dep } end
    end
    pos = pos + 13 + d
  end
  inBatch[id] = true
end

-- Pass 2: write.
local out = { 0, '' }
local codes = {}
local alias = {}
local batchKeys = {}
local queuesSeen = {}
local jobIds = {}
-- Queued jobs go to their ready set in one ZADD per (queue, priority) at the end.
local readyAdds = {}
local readyKeys = {}
local task, queue = nil, nil
pos = 3
for k = 1, n do
  local id, input = ARGV[pos], ARGV[pos + 3]
  if ARGV[pos + 1] ~= '' then task = ARGV[pos + 1] end
  if ARGV[pos + 2] ~= '' then queue = ARGV[pos + 2] end
  local priority, runAt, maxAttempts = ARGV[pos + 4], ARGV[pos + 5], ARGV[pos + 6]
  local key, meta, leaseMs, timeoutMs = '', '', '', ''
  local d, depStart = 0, 0
  if ARGV[pos + 7] == '' then
    pos = pos + 8
  else
    key, meta, leaseMs, timeoutMs = ARGV[pos + 8], ARGV[pos + 9], ARGV[pos + 10], ARGV[pos + 11]
    d = tonumber(ARGV[pos + 12])
    depStart = pos + 13
    pos = pos + 13 + d
  end

  local existing = nil
  local keyField = nil
  if key ~= '' then
    keyField = task .. '\0' .. string.sub(key, 2)
    existing = batchKeys[keyField] or redis.call('HGET', prefix .. 'keys', keyField)
  end
  if existing then
    local st = redis.call('HGET', prefix .. 'job:' .. existing, 'state') or 'queued'
    codes[k] = 'x'
    out[#out + 1] = existing
    out[#out + 1] = st
    alias[id] = existing
  else
    if keyField then batchKeys[keyField] = id end
    local deps = {}
    local seen = {}
    local pending = 0
    local doomed = false
    for j = 0, d - 1 do
      local dep = ARGV[depStart + j]
      dep = alias[dep] or dep
      if not seen[dep] then
        seen[dep] = true
        deps[#deps + 1] = dep
        local ps = redis.call('HGET', prefix .. 'job:' .. dep, 'state')
        if ps ~= 'completed' then pending = pending + 1 end
        if ps == 'failed' or ps == 'cancelled' then doomed = true end
      end
    end
    local state
    if doomed then
      state = 'cancelled'
    elseif pending > 0 then
      state = 'waiting'
    elseif tonumber(runAt) > nowN then
      state = 'scheduled'
    else
      state = 'queued'
    end
    local jobKey = jobKeys[k]
    writeJob(jobKey, task, queue, state, priority, runAt, maxAttempts, input, now, nil)
    writeJobOptions(prefix, jobKey, id, string.sub(key, 2), keyField, meta, leaseMs, timeoutMs)
    if #deps > 0 then linkDependencies(prefix, jobKey, id, deps, pending) end
    if doomed then
      redis.call('HSET', jobKey, 'finishedAt', now)
      place(prefix, id, queue, state, priority, now)
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
    jobIds[#jobIds + 1] = 0
    jobIds[#jobIds + 1] = id
    if not queuesSeen[queue] then
      queuesSeen[queue] = true
      redis.call('SADD', prefix .. 'queues', queue)
    end
    count(queue, state, 1)
    emitGrouped('e', id, queue, now, state)
    codes[k] = string.sub(state, 1, 1)
  end
end

-- The id index (score 0, so members sort lexicographically: UUIDv7 ids sort by creation).
callMany('ZADD', prefix .. 'jobs', jobIds)
for rk, adds in pairs(readyAdds) do callMany('ZADD', rk, adds) end
endTransition(prefix, now)
out[2] = table.concat(codes)
return out
