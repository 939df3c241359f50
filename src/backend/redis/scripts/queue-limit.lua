--- Sets or removes a queue's concurrency cap and rate limit (see includes/flow.lua).
---
--- KEYS[1]  prefix
--- ARGV[1]  queue
--- ARGV[2]  concurrency: "" = leave as it is, "-" = remove, else the cap
--- ARGV[3]  rate limit: "" = leave as it is, "-" = remove, else "limit,perMs,burst"
---
--- A new rate limit starts with a fresh state (no tat). A queue left with neither limit has
--- no hash and leaves the `limited` set. Returns { 0 }.

local prefix = KEYS[1]
local queue = ARGV[1]
local key = prefix .. 'limits:' .. queue
if ARGV[2] == '-' then
  redis.call('HDEL', key, 'c')
elseif ARGV[2] ~= '' then
  redis.call('HSET', key, 'c', ARGV[2])
end
if ARGV[3] == '-' then
  redis.call('HDEL', key, 'rl', 'rp', 'rb', 'tat')
elseif ARGV[3] ~= '' then
  local rl, rp, rb = string.match(ARGV[3], '^(%d+),(%d+),(%d+)$')
  redis.call('HDEL', key, 'tat')
  redis.call('HSET', key, 'rl', rl, 'rp', rp, 'rb', rb)
end
if redis.call('EXISTS', key) == 1 then
  redis.call('SADD', prefix .. 'limited', queue)
else
  redis.call('SREM', prefix .. 'limited', queue)
end
return { 0 }
