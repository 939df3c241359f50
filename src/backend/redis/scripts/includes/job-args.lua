--- The one decoder of a new job's arguments, as src/backend/redis/job-args.ts writes them:
--- id, task ("" = the previous job's), queue ("" = the previous job's), input, priority, runAt,
--- maxAttempts, then "" (no key, meta, lease, timeout or dependencies) or "+", key ("" = none,
--- else "=" .. key), meta JSON ("" = {}), leaseMs ("" = null), timeoutMs ("" = null), limit
--- key ("" = no limits, else "=" .. key), limits JSON, dependency count D, D dependency ids;
--- "*" instead of "+" adds, after them, the dedupe window: mode initial (t, d, r; "" = none),
--- dedupe key, windowMs ("" = none), maxWaitMs ("" = none), then the then and catch follow-up
--- templates as JSON ("" = none; includes/follow-up.lua).

--- The job at ARGV[pos] as a table (task and queue resolved against `prev`, the job read just
--- before it, or nil; `key` without its "=", `hasKey` false when none; dependencies at ARGV[depStart …
--- depStart + d - 1]), and the position after it.
local function readJob(pos, prev)
  local job = {
    id = ARGV[pos], task = ARGV[pos + 1], queue = ARGV[pos + 2], input = ARGV[pos + 3],
    priority = ARGV[pos + 4], runAt = ARGV[pos + 5], maxAttempts = ARGV[pos + 6],
    key = '', hasKey = false, meta = '', leaseMs = '', timeoutMs = '', d = 0, depStart = 0,
    flowKey = nil, flow = '',
  }
  if job.task == '' and prev then job.task = prev.task end
  if job.queue == '' and prev then job.queue = prev.queue end
  if ARGV[pos + 7] == '' then return job, pos + 8 end
  job.hasKey = ARGV[pos + 8] ~= ''
  job.key = string.sub(ARGV[pos + 8], 2)
  job.meta, job.leaseMs, job.timeoutMs = ARGV[pos + 9], ARGV[pos + 10], ARGV[pos + 11]
  if ARGV[pos + 12] ~= '' then
    job.flowKey = string.sub(ARGV[pos + 12], 2)
    -- "=" no strategy; "C" cancel-in-progress, "D" drop-newest (only enqueue.lua applies it).
    local st = string.sub(ARGV[pos + 12], 1, 1)
    if st ~= '=' then job.capStrategy = st end
  end
  job.flow = ARGV[pos + 13]
  job.d = tonumber(ARGV[pos + 14])
  job.depStart = pos + 15
  local after = pos + 15 + job.d
  if ARGV[pos + 7] ~= '*' then return job, after end
  if ARGV[after] ~= '' then
    job.dMode, job.dKey, job.dWindow, job.dMaxWait = ARGV[after], ARGV[after + 1], ARGV[after + 2], ARGV[after + 3]
  end
  job.fuThen, job.fuCatch = ARGV[after + 4], ARGV[after + 5]
  return job, after + 6
end

--- The position after the job at ARGV[pos], without reading it.
local function skipJob(pos)
  if ARGV[pos + 7] == '' then return pos + 8 end
  if ARGV[pos + 7] == '*' then return pos + 21 + tonumber(ARGV[pos + 14]) end
  return pos + 15 + tonumber(ARGV[pos + 14])
end

--- Calls `visit(job, k)` for the k-th of the `n` jobs from ARGV[pos], in order.
local function eachJob(pos, n, visit)
  local prev = nil
  for k = 1, n do
    local job
    job, pos = readJob(pos, prev)
    prev = job
    visit(job, k)
  end
end
