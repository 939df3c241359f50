--- Claims up to `limit` ready jobs over several queues, each with a fresh lease, in one call.
--- Per listed, unpaused queue (in the order given): promote due scheduled jobs to queued, then
--- pop the highest priority's ready set (ZPOPMIN: earliest runAt, then smallest id) until the
--- limit is reached.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  limit
--- ARGV[3]  worker id
--- ARGV[4]  default lease ms (jobs without their own leaseMs)
--- ARGV[5]  lease token (one per claim call)
--- ARGV[6]  most scheduled jobs promoted per queue per call (bounds the script's run time)
--- ARGV[7…] queue names
---
--- Returns, JSON-encoded as one string (one JSON.parse on the Node side instead of decoding
---         ~25 RESP items per job):
---         [0, nextRunAt (false = none), id1, fields1, attempt1, leaseExpiresAt1, id2, …] where
---         fields is the job's HGETALL *before* the claim (the caller applies the claim's writes)
--- Publishes job:started for every claimed job.
--- @include "events"
--- @include "place"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local limit = tonumber(ARGV[2])
local workerId = ARGV[3]
local defaultLease = tonumber(ARGV[4])
local token = ARGV[5]
local promoteMax = tonumber(ARGV[6])

local out = { 0, false }
local nOut = 2
local nRunning = 0
local claimed = 0
local nextRunAt = nil
local running = {}

for qi = 7, #ARGV do
  local queue = ARGV[qi]
  if redis.call('SISMEMBER', prefix .. 'paused', queue) == 0 then
    local schedKey = prefix .. 'scheduled:' .. queue
    -- Promote due scheduled jobs (no event: the job only becomes claimable).
    local due = redis.call('ZRANGEBYSCORE', schedKey, '-inf', now, 'LIMIT', 0, promoteMax)
    if #due > 0 then
      for i = 1, #due do
        local id = due[i]
        local key = prefix .. 'job:' .. id
        local f = redis.call('HMGET', key, 'state', 'priority', 'runAt')
        if f[1] == 'scheduled' then
          redis.call('HSET', key, 'state', 'queued')
          place(prefix, id, queue, 'queued', f[2], f[3])
          count(queue, 'scheduled', -1)
          count(queue, 'queued', 1)
        end
      end
      redis.call('ZREM', schedKey, unpack(due))
    end

    local prioKey = prefix .. 'prio:' .. queue
    local taken = 0
    while claimed < limit do
      local top = redis.call('ZREVRANGE', prioKey, 0, 0)
      if #top == 0 then break end
      local priority = top[1]
      local want = limit - claimed
      local popped = redis.call('ZPOPMIN', prefix .. 'ready:' .. queue .. ':' .. priority, want)
      if #popped < want * 2 then
        redis.call('ZREM', prioKey, priority)
        prioKnown[queue .. '\0' .. priority] = nil
      end
      for i = 1, #popped, 2 do
        local id = popped[i]
        local key = prefix .. 'job:' .. id
        -- One read for the reply and the fields the claim needs; the caller patches the reply
        -- with the values written below (state, attempt, lease, worker, times).
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
          redis.call('HSET', key, 'state', 'running', 'attempt', attempt, 'token', token,
            'leaseExpiresAt', exp, 'workerId', workerId, 'startedAt', now, 'updatedAt', now)
          running[nRunning + 1] = exp
          running[nRunning + 2] = id
          nRunning = nRunning + 2
          taken = taken + 1
          claimed = claimed + 1
          out[nOut + 1] = id
          out[nOut + 2] = h
          out[nOut + 3] = attempt
          out[nOut + 4] = exp
          nOut = nOut + 4
          emitGrouped('s', id, queue, now, workerId, attempt)
        end
      end
    end
    if taken > 0 then
      count(queue, 'queued', -taken)
      count(queue, 'running', taken)
    end
    local nxt = redis.call('ZRANGE', schedKey, 0, 0, 'WITHSCORES')
    if #nxt > 0 then
      local at = tonumber(nxt[2])
      if nextRunAt == nil or at < nextRunAt then nextRunAt = at end
    end
  end
end

callMany('ZADD', prefix .. 'running', running)
if claimed < limit and nextRunAt ~= nil then out[2] = nextRunAt end
flushCounts(prefix)
publish(prefix)
return cjson.encode(out)
