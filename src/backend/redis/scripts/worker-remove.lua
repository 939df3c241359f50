--- Forgets a worker (it stopped cleanly).
---
--- KEYS[1]  prefix
--- ARGV[1]  worker id
---
--- Returns { 0 }.

local prefix = KEYS[1]
redis.call('HDEL', prefix .. 'workers', ARGV[1])
redis.call('ZREM', prefix .. 'workers:exp', ARGV[1])
return { 0 }
