--- The claim itself, shared by claim.lua (a worker asks) and push.lua (jobs are offered to a
--- parked worker): pops up to `want` ready jobs of one queue, highest priority first
--- (ZPOPMIN: earliest runAt, then smallest id), and leases each to `workerId` with `token`.
--- Appends id, fields (the job's HGETALL *before* the claim: the caller patches state,
--- attempt, lease, worker and times), attempt, leaseExpiresAt to `into` (a flat list whose
--- length is kept in into.n), and score/id pairs for the `running` zset to `running`
--- (running.n): the caller writes them with one ZADD. Returns how many it claimed. With a
--- task filter, only jobs of those tasks are taken; the rest stay ready, in place.
--- @include "events"
--- @include "place"
--- @include "flow"
--- @include "flow-keys"

--- Leases one popped job if it is still `queued` (a stale entry is skipped): appends it to
--- `into` and `running`. `h` is the job's HGETALL. Returns true when it was claimed.
local function leaseOne(key, id, h, workerId, defaultLease, token, now, nowN, into, running)
  local state, leaseMs, attempt = nil, nil, 0
  for j = 1, #h, 2 do
    local field = h[j]
    if field == 'state' then
      state = h[j + 1]
    elseif field == 'leaseMs' then
      leaseMs = tonumber(h[j + 1])
    elseif field == 'attempt' then
      attempt = tonumber(h[j + 1])
    end
  end
  if state ~= 'queued' then return false end
  local exp = nowN + (leaseMs or defaultLease)
  attempt = attempt + 1
  -- No updatedAt: records.ts reads the latest of updatedAt, createdAt and startedAt.
  redis.call('HSET', key, 'state', 'running', 'attempt', attempt, 'token', token,
    'leaseExpiresAt', exp, 'workerId', workerId, 'startedAt', now)
  local r = running.n
  running[r + 1] = exp
  running[r + 2] = id
  running.n = r + 2
  local o = into.n
  into[o + 1] = id
  into[o + 2] = h
  into[o + 3] = attempt
  into[o + 4] = exp
  into.n = o + 4
  return attempt
end

--- Ready jobs a claim with a task filter looks at per queue before it gives up (jobs of
--- other tasks stay in place; a filter that matches nothing must not scan a huge queue).
local TASK_SCAN_MAX = 1000

--- The filtered claim: walks each priority's ready set in order and takes only jobs whose
--- task is in `tasks` (a set); the others keep their place for workers that run them.
local function claimFiltered(prefix, queue, want, tasks, lease, ids, attempts)
  local prioKey = prefix .. 'prio:' .. queue
  local taken, scanned = 0, 0
  local prios = redis.call('ZREVRANGE', prioKey, 0, -1)
  for pi = 1, #prios do
    if taken >= want or scanned >= TASK_SCAN_MAX then break end
    local priority = prios[pi]
    local readyKey = prefix .. 'ready:' .. queue .. ':' .. priority
    local offset = 0
    while taken < want and scanned < TASK_SCAN_MAX do
      local batch = redis.call('ZRANGE', readyKey, offset, offset + 99)
      if #batch == 0 then break end
      for i = 1, #batch do
        local id = batch[i]
        scanned = scanned + 1
        local key = prefix .. 'job:' .. id
        local h = redis.call('HGETALL', key)
        local task = nil
        for j = 1, #h, 2 do
          if h[j] == 'task' then task = h[j + 1] break end
        end
        if task == nil or tasks[task] then
          -- Ours, or a stale entry: it leaves the ready set either way.
          redis.call('ZREM', readyKey, id)
          local attempt = task and lease(key, id, h)
          if attempt then
            taken = taken + 1
            ids[taken] = id
            attempts[taken] = attempt
            if taken >= want then break end
          end
        else
          offset = offset + 1
        end
      end
    end
    if redis.call('ZCARD', readyKey) == 0 then
      redis.call('ZREM', prioKey, priority)
      prioKnown[queue .. '\0' .. priority] = nil
    end
  end
  return taken
end

--- `tasks` (optional): a set of task names; only their jobs are claimed.
local function claimFromQueue(prefix, queue, want, workerId, defaultLease, token, now, nowN, into, running, tasks)
  local prioKey = prefix .. 'prio:' .. queue
  local taken = 0
  local limits
  want, limits = flowRoom(prefix, queue, want, nowN)
  local ids, attempts = {}, {}
  local fair = want > 0 and fgPending(prefix, queue, now)
  if fair then
    -- Task and key limits, fairness between keys (flow-keys.lua).
    taken = fgClaim(prefix, queue, want, tasks, nowN, function(key, id, h)
      return leaseOne(key, id, h, workerId, defaultLease, token, now, nowN, into, running)
    end, ids, attempts)
  elseif tasks then
    taken = claimFiltered(prefix, queue, want, tasks, function(key, id, h)
      return leaseOne(key, id, h, workerId, defaultLease, token, now, nowN, into, running)
    end, ids, attempts)
  end
  while not fair and not tasks and taken < want do
    local top = redis.call('ZREVRANGE', prioKey, 0, 0)
    if #top == 0 then break end
    local priority = top[1]
    local ask = want - taken
    local popped = redis.call('ZPOPMIN', prefix .. 'ready:' .. queue .. ':' .. priority, ask)
    if #popped < ask * 2 then
      redis.call('ZREM', prioKey, priority)
      prioKnown[queue .. '\0' .. priority] = nil
    end
    for i = 1, #popped, 2 do
      local id = popped[i]
      local key = prefix .. 'job:' .. id
      -- One read for the reply and the fields the claim needs.
      local attempt = leaseOne(key, id, redis.call('HGETALL', key), workerId, defaultLease, token, now, nowN, into, running)
      if attempt then
        taken = taken + 1
        ids[taken] = id
        attempts[taken] = attempt
      end
    end
  end
  if taken > 0 then
    flowTook(prefix, queue, limits, taken, nowN)
    emitGroup('s', queue, now, workerId, ids, attempts)
    count(queue, 'queued', -taken)
    count(queue, 'running', taken)
  end
  return taken
end

--- Writes the `running` entries gathered by claimFromQueue.
local function flushRunning(prefix, running)
  if running.n > 0 then
    running.n = nil
    callMany('ZADD', prefix .. 'running', running)
  end
end
