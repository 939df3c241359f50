--- Extends the leases of many running jobs (fenced by lease token).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  default lease ms (jobs without their own leaseMs)
--- ARGV[3…] per job: id, lease token
---
--- Returns { 0, id1, leaseExpiresAt1 (or -1 = lost), id2, … }
--- No event: a renewal changes nothing another process acts on.

local prefix = KEYS[1]
local now = tonumber(ARGV[1])
local defaultLease = tonumber(ARGV[2])
local out = { 0 }
local running = {}

for i = 3, #ARGV, 2 do
  local id, token = ARGV[i], ARGV[i + 1]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'token', 'leaseMs')
  out[#out + 1] = id
  if f[1] ~= 'running' or f[2] ~= token then
    out[#out + 1] = -1
  else
    local exp = now + (tonumber(f[3]) or defaultLease)
    redis.call('HSET', key, 'leaseExpiresAt', exp)
    running[#running + 1] = exp
    running[#running + 1] = id
    out[#out + 1] = exp
  end
end

if #running > 0 then
  local step = 4000
  for i = 1, #running, step do
    redis.call('ZADD', prefix .. 'running', unpack(running, i, math.min(i + step - 1, #running)))
  end
end
return out
