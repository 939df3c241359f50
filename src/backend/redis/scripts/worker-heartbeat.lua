--- Records a worker's heartbeat: its description and when it expires (by the passed clock,
--- not Redis TTLs, so a fake clock drives expiry in tests).
---
--- KEYS[1]  prefix
--- ARGV[1]  worker id
--- ARGV[2]  worker info JSON (with lastSeenAt)
--- ARGV[3]  expiresAt (epoch ms)
---
--- Returns { 0 }.

local prefix = KEYS[1]
redis.call('HSET', prefix .. 'workers', ARGV[1], ARGV[2])
redis.call('ZADD', prefix .. 'workers:exp', ARGV[3], ARGV[1])
return { 0 }
