--- Every queue that has jobs, a paused flag or limits, with its counts per state and limits.
---
--- KEYS[1]  prefix
--- ARGV[1]  most ready jobs examined per (queue, priority) for oldestQueuedAt
---
--- oldestQueuedAt is the smallest createdAt among the first ARGV[1] jobs of each priority's
--- ready set in claim order: exact while a priority holds no more queued jobs than that,
--- otherwise the oldest job near the head (keeping a createdAt index instead would cost two
--- writes per job on the hot path).
---
--- Returns { 0, name1, paused1 (0/1), oldestQueuedAt1 (nil = none), counts1 (HGETALL),
---           limits1 (HGETALL of limits:<queue>, see includes/flow.lua), name2, … }

local prefix = KEYS[1]
local out = { 0 }
local names = redis.call('SUNION', prefix .. 'queues', prefix .. 'paused', prefix .. 'limited')
for i = 1, #names do
  local q = names[i]
  local paused = redis.call('SISMEMBER', prefix .. 'paused', q)
  local counts = redis.call('HGETALL', prefix .. 'counts:' .. q)
  local limits = redis.call('HGETALL', prefix .. 'limits:' .. q)
  local any = paused == 1 or #limits > 0
  for j = 2, #counts, 2 do
    if tonumber(counts[j]) ~= 0 then any = true end
  end
  if any then
    local oldest = false
    local prios = redis.call('ZRANGE', prefix .. 'prio:' .. q, 0, -1)
    for p = 1, #prios do
      local ids = redis.call('ZRANGE', prefix .. 'ready:' .. q .. ':' .. prios[p], 0, tonumber(ARGV[1]) - 1)
      for k = 1, #ids do
        local c = tonumber(redis.call('HGET', prefix .. 'job:' .. ids[k], 'createdAt'))
        if c and (not oldest or c < oldest) then oldest = c end
      end
    end
    out[#out + 1] = q
    out[#out + 1] = paused
    out[#out + 1] = oldest
    out[#out + 1] = counts
    out[#out + 1] = limits
  end
end
return out
