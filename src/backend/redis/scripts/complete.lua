--- Completes many running jobs, each fenced by its lease token, and releases their waiting
--- dependents in the same call.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token, serialized result
---
--- Returns { 0, n, p1, …, pn }: the 1-based positions (in ARGV order) of the n refused jobs;
---         every other job completed
--- Publishes job:completed (and job:enqueued for released dependents).
--- @include "deps"
--- @include "push"
--- @include "follow-up"

local prefix = KEYS[1]
local now = ARGV[1]
local refused = { 0, 0 }
local nRefused = 0
local finished, done = {}, {}
local nFinished = 0
local perQueue = {}

-- job:completed events, grouped per queue and emitted at the end (or before a job's
-- dependents are released, so a parent's completion always precedes its children's release).
local doneIds, doneAttempts, doneQueues = {}, {}, {}
local function flushDone()
  for i = 1, #doneQueues do
    local q = doneQueues[i]
    emitGroup('c', q, now, nil, doneIds[q], doneAttempts[q])
  end
  doneIds, doneAttempts, doneQueues = {}, {}, {}
end

local pos = 0
for i = 2, #ARGV, 3 do
  pos = pos + 1
  local id, token, result = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt', 'pp', 'kids')
  if f[1] ~= 'running' or f[2] ~= token then
    nRefused = nRefused + 1
    refused[nRefused + 2] = pos
  else
    local queue = f[3]
    redis.call('HSET', key, 'state', 'completed', 'result', result, 'finishedAt', now, 'updatedAt', now)
    if f[5] then redis.call('HSET', key, 'pp', 100) end
    nFinished = nFinished + 1
    finished[nFinished] = id
    done[2 * nFinished - 1] = now
    done[2 * nFinished] = id
    perQueue[queue] = (perQueue[queue] or 0) + 1
    local qIds = doneIds[queue]
    if not qIds then
      qIds = {}
      doneIds[queue] = qIds
      doneAttempts[queue] = {}
      doneQueues[#doneQueues + 1] = queue
    end
    qIds[#qIds + 1] = id
    doneAttempts[queue][#qIds] = f[4]
    if f[6] then
      flushDone()
      releaseDependents(prefix, id, now)
      followUp(prefix, id, 'fut', result, now)
    end
  end
end

flushDone()
if nFinished > 0 then
  callMany('ZREM', prefix .. 'running', finished)
  callMany('ZADD', prefix .. 'done:completed', done)
  listCompleted(prefix, finished)
  for queue, n in pairs(perQueue) do
    count(queue, 'running', -n)
    count(queue, 'completed', n)
  end
end
endTransition(prefix, now)
refused[2] = nRefused
return refused
