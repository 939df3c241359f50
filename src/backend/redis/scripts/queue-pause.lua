--- Pauses or resumes a queue (claims skip paused queues; enqueue still accepts jobs).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  queue
--- ARGV[3]  "1" to pause, "0" to resume
---
--- Returns { 0 }. Publishes queue:paused / queue:resumed (and job:started for jobs a resume
--- pushes to parked workers).
--- @include "push"

local prefix = KEYS[1]
local now, queue = ARGV[1], ARGV[2]
local etype
if ARGV[3] == '1' then
  redis.call('SADD', prefix .. 'paused', queue)
  etype = 'queue:paused'
else
  redis.call('SREM', prefix .. 'paused', queue)
  etype = 'queue:resumed'
  touchedQueues[queue] = true
end
events[#events + 1] = '{"type":"' .. etype .. '","jobId":"","queue":' .. jstr(queue) .. ',"at":' .. now .. '}'
endTransition(prefix, now)
return { 0 }
