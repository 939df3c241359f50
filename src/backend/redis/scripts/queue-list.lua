--- Every queue that has jobs or a paused flag, with its counts per state.
---
--- KEYS[1]  prefix
---
--- Returns { 0, name1, paused1 (0/1), oldestQueuedAt1 (nil = none), counts1 (HGETALL), name2, … }

local prefix = KEYS[1]
local out = { 0 }
local names = redis.call('SUNION', prefix .. 'queues', prefix .. 'paused')
for i = 1, #names do
  local q = names[i]
  local paused = redis.call('SISMEMBER', prefix .. 'paused', q)
  local counts = redis.call('HGETALL', prefix .. 'counts:' .. q)
  local any = paused == 1
  for j = 2, #counts, 2 do
    if tonumber(counts[j]) ~= 0 then any = true end
  end
  if any then
    local oldest = redis.call('ZRANGE', prefix .. 'queued:' .. q, 0, 0, 'WITHSCORES')
    out[#out + 1] = q
    out[#out + 1] = paused
    out[#out + 1] = oldest[2] or false
    out[#out + 1] = counts
  end
end
return out
