--- Appends log lines to a running job's capped log list (fenced by its lease token).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  job id
--- ARGV[3]  lease token
--- ARGV[4]  most lines kept per job
--- ARGV[5…] lines as JSON objects without the closing "}" (the attempt is appended here)
---
--- Returns { 0, 1 }, or { 0, 0 } when the lease is stale. Publishes job:log.
--- @include "events"

local prefix = KEYS[1]
local now, id, token = ARGV[1], ARGV[2], ARGV[3]
local key = prefix .. 'job:' .. id
local f = redis.call('HMGET', key, 'state', 'token', 'queue', 'attempt')
if f[1] ~= 'running' or f[2] ~= token then return { 0, 0 } end
local logKey = prefix .. 'logs:' .. id
local lines = {}
for i = 5, #ARGV do lines[#lines + 1] = ARGV[i] .. ',"attempt":' .. f[4] .. '}' end
if #lines > 0 then
  callMany('RPUSH', logKey, lines)
  redis.call('LTRIM', logKey, -tonumber(ARGV[4]), -1)
end
emit('job:log', id, f[3], 'running', now, '{"lines":' .. #lines .. '}')
publish(prefix)
return { 0, 1 }
