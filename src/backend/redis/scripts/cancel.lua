--- Cancels jobs in any non-final state (running ones lose their lease), cascading to every
--- not-yet-final, not-running dependent.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  reason
--- ARGV[3…] job ids
---
--- Returns { 0, cancelledCount, cancelled ids… (incl. cascaded), skipped ids… }
--- Publishes job:cancelled for each.
--- @include "deps"

local prefix = KEYS[1]
local now = ARGV[1]
local reason = ARGV[2]
local cancelled, skipped = {}, {}

for i = 3, #ARGV do
  local id = ARGV[i]
  local f = redis.call('HMGET', prefix .. 'job:' .. id, 'state', 'queue', 'priority')
  if not f[1] or FINAL[f[1]] then
    skipped[#skipped + 1] = id
  else
    cancelOne(prefix, id, f[1], f[2], f[3], now, reason)
    cancelled[#cancelled + 1] = id
    cancelDependents(prefix, id, now, 'dependency ' .. id .. ' was cancelled', cancelled)
  end
end

flushCounts(prefix)
publish(prefix)
local out = { 0, #cancelled }
for i = 1, #cancelled do out[#out + 1] = cancelled[i] end
for i = 1, #skipped do out[#out + 1] = skipped[i] end
return out
