--- Claims up to `limit` ready jobs over several queues, each with a fresh lease, in one call.
--- Per listed, unpaused queue (in the order given): promote due scheduled jobs to queued, then
--- pop the highest priority's ready set (ZPOPMIN: earliest runAt, then smallest id) until the
--- limit is reached. With a park TTL, a claim that leaves slots free parks the worker for
--- them (push delivery, see includes/push.lua).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  limit
--- ARGV[3]  worker id
--- ARGV[4]  default lease ms (jobs without their own leaseMs)
--- ARGV[5]  lease token (one per claim call)
--- ARGV[6]  most scheduled jobs promoted per queue per call (bounds the script's run time)
--- ARGV[7]  park TTL ms: "0" = do not park; else park for the slots this claim leaves free
--- ARGV[8]  "1" = the worker may be parked: unpark it first and return its inbox
--- ARGV[9]  most jobs the parking may take, counting this claim's ("" = the slots left free)
--- ARGV[10] tasks: a JSON array of task names to claim ("" = any task)
--- ARGV[11…] queue names
---
--- Returns, JSON-encoded as one string (one JSON.parse on the Node side instead of decoding
---         ~25 RESP items per job):
---         [0, nextRunAt (false = none), flags, pushed, id1, fields1, attempt1,
---          leaseExpiresAt1, id2, …]
---         where flags is 1 when the worker parked plus 2 when a queue's limit held the claim
---         back (includes/flow.lua), fields is the job's HGETALL *before* the claim (the caller applies the
---         claim's writes) and pushed is the drained inbox (a list of push.lua's JSON strings,
---         each with its own token), or 0. A claim that drained pushed jobs does not park: the
---         worker is about to run those, and its free slots are no longer what it said.
--- Publishes job:started for every claimed job.
--- @include "push"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local limit = tonumber(ARGV[2])
local workerId = ARGV[3]
local defaultLease = tonumber(ARGV[4])
local token = ARGV[5]
local promoteMax = tonumber(ARGV[6])
local parkTtl = tonumber(ARGV[7])
local parkCap = tonumber(ARGV[9])
local tasksJson = ARGV[10]
local tasks = nil
if tasksJson ~= '' then
  tasks = {}
  for _, t in ipairs(cjson.decode(tasksJson)) do tasks[t] = true end
end

local out = { 0, false, 0, 0, n = 4 }
local running = { n = 0 }
local claimed = 0
local nextRunAt = nil
local queues = {}

if ARGV[8] == '1' then
  unpark(prefix, workerId, nil)
  local inbox = prefix .. 'inbox:' .. workerId
  local pushed = redis.call('LRANGE', inbox, 0, -1)
  if #pushed > 0 then
    redis.call('DEL', inbox)
    out[4] = pushed
  end
end

for qi = 11, #ARGV do
  local queue = ARGV[qi]
  queues[#queues + 1] = queue
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

    if claimed < limit then
      claimed = claimed + claimFromQueue(prefix, queue, limit - claimed, workerId, defaultLease, token, now, nowN, out, running, tasks)
    end
    local nxt = redis.call('ZRANGE', schedKey, 0, 0, 'WITHSCORES')
    if #nxt > 0 then
      local at = tonumber(nxt[2])
      if nextRunAt == nil or at < nextRunAt then nextRunAt = at end
    end
  end
end

flushRunning(prefix, running)
if flowRetryAt ~= nil and (nextRunAt == nil or flowRetryAt < nextRunAt) then nextRunAt = flowRetryAt end
if claimed < limit and nextRunAt ~= nil then out[2] = nextRunAt end
local parkSlots = limit - claimed
if parkCap and parkCap - claimed < parkSlots then parkSlots = parkCap - claimed end
if parkTtl > 0 and parkSlots > 0 and out[4] == 0 then
  out[3] = 1
  park(prefix, workerId, parkSlots, token, defaultLease, queues, nowN, parkTtl, tasksJson)
end
if flowLimited then out[3] = out[3] + 2 end
-- Promoted jobs this claim left behind go to other parked workers.
endTransition(prefix, now)
out.n = nil
return cjson.encode(out)
