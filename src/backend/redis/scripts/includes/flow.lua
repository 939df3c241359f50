--- Flow control: a queue's limits and the room they leave a claim (the Lua copy of
--- src/backend/flow-limits.ts; both must agree).
---
---   P limits:<queue>  hash  c (concurrency cap), rl, rp, rb (rate limit: starts per rp ms,
---                           plus rb burst), tat (GCRA theoretical arrival time, ms, fractional)
---   P limited         set   queues that have a limits hash (for queueList)
---   P hold:<queue>    string  no claim starts a job of the queue before this instant (ms; a
---                           handler's RateLimitedError, see queue-hold.lua)
---
--- Running jobs are read from counts:<queue> plus this script's unwritten deltas (counts.lua),
--- so two claims of one queue inside one script (claim, then push delivery) see each other.
--- @include "counts"

local FLOW_EPSILON = 1e-6
--- The earliest instant a rate limit that stopped a claim in this script allows a start (nil:
--- none did); claim.lua folds it into nextRunAt so an idle worker wakes for it.
local flowRetryAt = nil
--- True once a limit held a claim in this script below what it asked for.
local flowLimited = false

--- How many of `want` jobs of `queue` may start now, and the limits hash fields read (nil when
--- the queue has no limits) for flowTook. When the rate limit is what stops the claim, the
--- instant one more start is allowed goes into flowRetryAt.
local function flowRoom(prefix, queue, want, nowN)
  local hold = redis.call('GET', prefix .. 'hold:' .. queue)
  if hold and tonumber(hold) > nowN then
    if want > 0 then flowLimited = true end
    local holdUntil = tonumber(hold)
    if flowRetryAt == nil or holdUntil < flowRetryAt then flowRetryAt = holdUntil end
    return 0, nil
  end
  local f = redis.call('HMGET', prefix .. 'limits:' .. queue, 'c', 'rl', 'rp', 'rb', 'tat')
  if not f[1] and not f[2] then return want, nil end
  local room = want
  if f[1] then
    local running = tonumber(redis.call('HGET', prefix .. 'counts:' .. queue, 'running') or '0')
    local q = counts[queue]
    if q and q['running'] then running = running + q['running'] end
    local free = tonumber(f[1]) - running
    if free < 0 then free = 0 end
    if free < room then room = free end
  end
  if f[2] then
    local t = tonumber(f[3]) / tonumber(f[2])
    local tau = tonumber(f[4] or '0') * t
    local tat = f[5] and tonumber(f[5]) or nil
    local start = nowN
    if tat and tat > nowN then start = tat end
    local allowed = math.floor((nowN + tau - start) / t + FLOW_EPSILON) + 1
    if allowed < 0 then allowed = 0 end
    if allowed < room then
      room = allowed
      local at = math.ceil(start + allowed * t - tau - FLOW_EPSILON)
      if at < nowN then at = nowN end
      if flowRetryAt == nil or at < flowRetryAt then flowRetryAt = at end
    end
  end
  if room < want then flowLimited = true end
  return room, f
end

--- Records `n` starts of `queue` against its rate limit (`f`: the fields flowRoom read).
local function flowTook(prefix, queue, f, n, nowN)
  if n == 0 or not f or not f[2] then return end
  local t = tonumber(f[3]) / tonumber(f[2])
  local tat = f[5] and tonumber(f[5]) or nil
  local start = nowN
  if tat and tat > nowN then start = tat end
  local newTat = start + n * t
  f[5] = string.format('%.17g', newTat)
  redis.call('HSET', prefix .. 'limits:' .. queue, 'tat', f[5])
end
