--- Lists live workers; drops those whose heartbeat expired before now.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
---
--- Returns { 0, info JSON… }

local prefix = KEYS[1]
local expKey = prefix .. 'workers:exp'
local gone = redis.call('ZRANGEBYSCORE', expKey, '-inf', '(' .. ARGV[1])
for i = 1, #gone do
  redis.call('HDEL', prefix .. 'workers', gone[i])
  redis.call('ZREM', expKey, gone[i])
end
local out = { 0 }
local vals = redis.call('HVALS', prefix .. 'workers')
for i = 1, #vals do out[#out + 1] = vals[i] end
return out
