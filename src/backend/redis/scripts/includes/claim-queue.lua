--- The claim itself, shared by claim.lua (a worker asks) and push.lua (jobs are offered to a
--- parked worker): pops up to `want` ready jobs of one queue, highest priority first
--- (ZPOPMIN: earliest runAt, then smallest id), and leases each to `workerId` with `token`.
--- Appends id, fields (the job's HGETALL *before* the claim: the caller patches state,
--- attempt, lease, worker and times), attempt, leaseExpiresAt to `into` (a flat list whose
--- length is kept in into.n), and score/id pairs for the `running` zset to `running`
--- (running.n): the caller writes them with one ZADD. Returns how many it claimed.
--- @include "events"
--- @include "place"
--- @include "flow"

local function claimFromQueue(prefix, queue, want, workerId, defaultLease, token, now, nowN, into, running)
  local prioKey = prefix .. 'prio:' .. queue
  local taken = 0
  local limits
  want, limits = flowRoom(prefix, queue, want, nowN)
  local ids, attempts = {}, {}
  while taken < want do
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
      local h = redis.call('HGETALL', key)
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
      if state == 'queued' then
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
