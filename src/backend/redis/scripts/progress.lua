--- Stores a running job's progress (fenced by its lease token).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  job id
--- ARGV[3]  lease token
--- ARGV[4]  percent
--- ARGV[5]  message ("" with ARGV[6] = "0" means none)
--- ARGV[6]  "1" when a message is given
--- ARGV[7]  the progress as JSON (event data)
---
--- Returns { 0, 1 }, or { 0, 0 } when the lease is stale. Publishes job:progress.
--- @include "events"

local prefix = KEYS[1]
local now, id, token = ARGV[1], ARGV[2], ARGV[3]
local key = prefix .. 'job:' .. id
local f = redis.call('HMGET', key, 'state', 'token', 'queue')
if f[1] ~= 'running' or f[2] ~= token then return { 0, 0 } end
redis.call('HSET', key, 'pp', ARGV[4], 'updatedAt', now)
if ARGV[6] == '1' then
  redis.call('HSET', key, 'pm', ARGV[5])
else
  redis.call('HDEL', key, 'pm')
end
emit('job:progress', id, f[3], 'running', now, ARGV[7])
publish(prefix)
return { 0, 1 }
