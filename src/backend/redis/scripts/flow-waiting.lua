--- The facts of "jobs waiting on a limit" (src/backend/flow-waiting.ts applies the claim's
--- rules to them) for the queues named, read in one script so they agree. Reads only.
---
--- KEYS[1]  prefix
--- ARGV[1]  now (ms)
--- ARGV[2]  most ready jobs examined per (queue, priority) for the jobs of held tasks
--- ARGV[3…] queue names
---
--- A group's limits are read from its first job (a task's jobs carry the numbers they were
--- enqueued with; they differ only across a deploy that changed them).
---
--- Returns { 0, holds {name, until…}, tats {group, tat…}, running {capGroup, n…},
---           then per queue: queueHold (false: none), groups {task, fk, fl, n…},
---           held {task, n…} (queued jobs without limits of held tasks) }
--- @include "place"

local prefix = KEYS[1]
local now = tonumber(ARGV[1])
local scan = tonumber(ARGV[2])

local holds = redis.call('ZRANGEBYSCORE', prefix .. 'fholds', '(' .. now, '+inf', 'WITHSCORES')
local heldTasks = {}
local anyHeldTask = false
for i = 1, #holds, 2 do
  local name = holds[i]
  if string.sub(name, 1, 2) == 't' .. FLOW_SEP then
    heldTasks[string.sub(name, 3)] = true
    anyHeldTask = true
  end
end

local tats, tatSeen = {}, {}
local running, runSeen = {}, {}
local perQueue = {}
for qi = 3, #ARGV do
  local queue = ARGV[qi]
  local qhold = redis.call('GET', prefix .. 'hold:' .. queue) or false
  local groups = {}
  for _, g in ipairs(redis.call('SMEMBERS', prefix .. 'fg:' .. queue)) do
    local zk = prefix .. 'fq:' .. queue .. ':' .. g
    local n = redis.call('ZCARD', zk)
    local head = n > 0 and redis.call('ZRANGE', zk, 0, 0)[1]
    local h = head and redis.call('HMGET', prefix .. 'job:' .. string.sub(head, 18), 'task', 'fk', 'fl')
    if h and h[1] and h[2] and h[3] then
      local task, fk, fl = h[1], h[2], h[3]
      groups[#groups + 1] = task
      groups[#groups + 1] = fk
      groups[#groups + 1] = fl
      groups[#groups + 1] = n
      local f = cjson.decode(fl)
      local keyGroup = 'k' .. FLOW_SEP .. task .. FLOW_SEP .. fk
      if f.c then
        local cg = (f.c[2] == 1) and keyGroup or ('t' .. FLOW_SEP .. task)
        if not runSeen[cg] then
          runSeen[cg] = true
          local c = 0
          for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'frs:' .. cg)) do
            if redis.call('HGET', prefix .. 'job:' .. id, 'state') == 'running' then c = c + 1 end
          end
          running[#running + 1] = cg
          running[#running + 1] = c
        end
      end
      if f.r then
        local rg = (f.r[4] == 1) and keyGroup or ('t' .. FLOW_SEP .. task)
        if not tatSeen[rg] then
          tatSeen[rg] = true
          local tat = redis.call('HGET', prefix .. 'ftat', rg)
          if tat then
            tats[#tats + 1] = rg
            tats[#tats + 1] = tat
          end
        end
      end
    end
  end
  local held = {}
  if anyHeldTask then
    local byTask = {}
    for _, prio in ipairs(redis.call('ZRANGE', prefix .. 'prio:' .. queue, 0, -1)) do
      for _, id in ipairs(redis.call('ZRANGE', prefix .. 'ready:' .. queue .. ':' .. prio, 0, scan - 1)) do
        local task = redis.call('HGET', prefix .. 'job:' .. id, 'task')
        if task and heldTasks[task] then byTask[task] = (byTask[task] or 0) + 1 end
      end
    end
    for task, n in pairs(byTask) do
      held[#held + 1] = task
      held[#held + 1] = n
    end
  end
  perQueue[#perQueue + 1] = { qhold, groups, held }
end

local out = { 0, holds, tats, running }
for _, q in ipairs(perQueue) do
  out[#out + 1] = q[1]
  out[#out + 1] = q[2]
  out[#out + 1] = q[3]
end
return out
