--- Holds a queue: no claim (or push) starts a job of it before `until` (a handler's
--- RateLimitedError). A hold only extends; the key expires a minute after the hold ends.
---
--- KEYS[1]  prefix
--- ARGV[1]  queue, or a task or key group (flow-gate.ts `holdNameOf`)
--- ARGV[2]  until (ms, backend clock)
--- ARGV[3]  now (ms, backend clock)
---
--- Returns { 0 }.

local key = KEYS[1] .. 'hold:' .. ARGV[1]
local untilN = tonumber(ARGV[2])
local old = tonumber(redis.call('GET', key) or '0')
if untilN > old then
  local ttl = untilN - tonumber(ARGV[3]) + 60000
  if ttl < 60000 then ttl = 60000 end
  redis.call('SET', key, ARGV[2], 'PX', ttl)
  -- A task or key hold (its name holds a 0x1f): claims check for any such hold at once.
  if string.find(ARGV[1], '\31', 1, true) then
    redis.call('ZADD', KEYS[1] .. 'fholds', untilN, ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[1] .. 'fholds', '-inf', tonumber(ARGV[3]) - 60000)
  end
end
return { 0 }
