--- Completes many running jobs, each fenced by its lease token, and releases their waiting
--- dependents in the same call.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] per job: id, lease token, serialized result
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:completed (and job:enqueued for released dependents).
--- @include "deps"

local prefix = KEYS[1]
local now = ARGV[1]
local ok, refused = {}, {}
local finished = {}

for i = 2, #ARGV, 3 do
  local id, token, result = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt', 'pp', 'kids')
  if f[1] ~= 'running' or f[2] ~= token then
    refused[#refused + 1] = id
  else
    local queue = f[3]
    redis.call('HSET', key, 'state', 'completed', 'result', result, 'finishedAt', now, 'updatedAt', now)
    if f[5] then redis.call('HSET', key, 'pp', 100) end
    finished[#finished + 1] = id
    count(queue, 'running', -1)
    count(queue, 'completed', 1)
    ok[#ok + 1] = id
    emitGrouped('c', id, queue, now, nil, f[4])
    if f[6] then releaseDependents(prefix, id, now) end
  end
end

if #finished > 0 then
  callMany('ZREM', prefix .. 'running', finished)
  local done = {}
  for i = 1, #finished do
    done[#done + 1] = now
    done[#done + 1] = finished[i]
  end
  callMany('ZADD', prefix .. 'done:completed', done)
end
flushCounts(prefix)
publish(prefix)
local out = { 0, #ok }
for i = 1, #ok do out[#out + 1] = ok[i] end
for i = 1, #refused do out[#out + 1] = refused[i] end
return out
