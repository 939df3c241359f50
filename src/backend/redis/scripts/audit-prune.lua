--- Removes up to `limit` audit entries older than `before`, oldest first.
---
--- KEYS[1]  prefix
--- ARGV[1]  before (epoch ms; entries with at < before go)
--- ARGV[2]  limit
---
--- Returns { 0, removed }.

local prefix = KEYS[1]
local ids = redis.call('ZRANGEBYSCORE', prefix .. 'audit:at', '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return { 0, 0 } end
redis.call('ZREM', prefix .. 'audit:at', unpack(ids))
redis.call('ZREM', prefix .. 'audit', unpack(ids))
redis.call('HDEL', prefix .. 'audit:entries', unpack(ids))
return { 0, #ids }
