--- Push delivery: a worker that claimed less than it asked for may *park* (claim.lua with a
--- park TTL): it registers its free slots, and until it unparks or the registration expires,
--- any script that makes jobs `queued` claims them for it on the spot and appends them to its
--- inbox list, where the worker is blocked in BLPOP. That takes a job from enqueue to handler
--- in one hop instead of three (enqueue, feed message, claim).
---
---   P park:<worker>   hash   slots (free), token (the parking claim's token), pushes (how
---                            many pushes so far), lease (default lease ms), queues (JSON
---                            array), tasks (JSON array of the tasks it runs, "" = any);
---                            expires with the TTL
---   P idle:<queue>    zset   worker id -> registration expiry (backend clock, ms)
---   P inbox:<worker>  list   one JSON array per push: [token, at, id, fields, attempt, exp, …]
---                            (fields: the job's HGETALL before the claim, as in claim.lua)
---
--- A worker that dies while parked stops renewing its registration: pushes stop when it
--- expires, and jobs already in its inbox are leased like any claimed job, so lease expiry
--- rescues them.
--- @include "claim-queue"

--- Pushed jobs wait at most this long in an inbox nobody reads (their leases expire far sooner).
local INBOX_TTL_MS = 3600000

--- `queue` (optional): an idle set known to hold the worker, cleaned even if its park hash
--- has already expired.
local function unpark(prefix, workerId, queue)
  local parkKey = prefix .. 'park:' .. workerId
  if queue then redis.call('ZREM', prefix .. 'idle:' .. queue, workerId) end
  local queues = redis.call('HGET', parkKey, 'queues')
  if queues then
    local list = cjson.decode(queues)
    for i = 1, #list do redis.call('ZREM', prefix .. 'idle:' .. list[i], workerId) end
    redis.call('DEL', parkKey)
  end
end

local function park(prefix, workerId, slots, token, lease, queues, nowN, ttl, tasks)
  local parkKey = prefix .. 'park:' .. workerId
  redis.call('HSET', parkKey, 'slots', slots, 'token', token, 'lease', lease, 'queues', cjson.encode(queues),
    'tasks', tasks or '')
  redis.call('PEXPIRE', parkKey, ttl)
  for i = 1, #queues do
    local idleKey = prefix .. 'idle:' .. queues[i]
    redis.call('ZREMRANGEBYSCORE', idleKey, '-inf', nowN)
    redis.call('ZADD', idleKey, nowN + ttl, workerId)
  end
end

--- Offers the ready jobs of every queue that got `queued` jobs in this script to the workers
--- parked on it (live registrations only; none while the queue is paused). Call it before
--- publish(), so the started events travel with the rest.
local function deliver(prefix, now)
  if next(touchedQueues) == nil then return end
  local nowN = tonumber(now)
  for queue in pairs(touchedQueues) do
    local idleKey = prefix .. 'idle:' .. queue
    local parked = redis.call('ZRANGEBYSCORE', idleKey, '(' .. nowN, '+inf')
    if #parked > 0 and redis.call('SISMEMBER', prefix .. 'paused', queue) == 0 then
      for i = 1, #parked do
        local workerId = parked[i]
        local parkKey = prefix .. 'park:' .. workerId
        local p = redis.call('HMGET', parkKey, 'slots', 'token', 'lease', 'tasks')
        local slots = tonumber(p[1] or '0')
        local taken = 0
        local tasks = nil
        if p[4] and p[4] ~= '' then
          tasks = {}
          for _, t in ipairs(cjson.decode(p[4])) do tasks[t] = true end
        end
        if slots > 0 then
          -- Each push leases under a token of its own: the parking claim's token and the push's
          -- number. With the claim's token itself, a job the claim had leased (attempt 1) and
          -- then pushed again after a retry (attempt 2) held one (id, token) for two leases:
          -- the worker took the second for the first, still on its books, and dropped it, and
          -- a late outcome of the first could have settled the second.
          local token = p[2] .. '.' .. redis.call('HINCRBY', parkKey, 'pushes', 1)
          local into = { n = 2 }
          into[1] = token
          into[2] = nowN
          local running = { n = 0 }
          taken = claimFromQueue(prefix, queue, slots, workerId, tonumber(p[3]), token, now, nowN, into, running, tasks)
          if taken > 0 then
            flushRunning(prefix, running)
            into.n = nil
            local inbox = prefix .. 'inbox:' .. workerId
            redis.call('RPUSH', inbox, cjson.encode(into))
            redis.call('PEXPIRE', inbox, INBOX_TTL_MS)
          end
        end
        if taken >= slots then
          unpark(prefix, workerId, queue)
        else
          redis.call('HSET', parkKey, 'slots', slots - taken)
          -- Fewer than it could take: the queue is empty (of this worker's tasks, with a
          -- filter: the next worker may run others), no need to ask the next worker.
          if not tasks then break end
        end
      end
    end
    touchedQueues[queue] = nil
  end
end

--- Ends a transition script, in the one order that works: offer newly queued jobs to parked
--- workers (which moves counters and emits job:started), then write the counter deltas, then
--- publish the events.
local function endTransition(prefix, now)
  deliver(prefix, now)
  flushCounts(prefix)
  publish(prefix)
end
