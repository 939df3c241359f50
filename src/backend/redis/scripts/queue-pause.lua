--- Pauses or resumes a queue (claims skip paused queues; enqueue still accepts jobs).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  queue
--- ARGV[3]  "1" to pause, "0" to resume
---
--- Returns { 0 }. Publishes queue:paused / queue:resumed.
--- @include "util"

local prefix = KEYS[1]
local now, queue = ARGV[1], ARGV[2]
local etype
if ARGV[3] == '1' then
  redis.call('SADD', prefix .. 'paused', queue)
  etype = 'queue:paused'
else
  redis.call('SREM', prefix .. 'paused', queue)
  etype = 'queue:resumed'
end
redis.call('PUBLISH', prefix .. 'events',
  '[{"type":"' .. etype .. '","jobId":"","queue":' .. jstr(queue) .. ',"at":' .. now .. '}]')
return { 0 }
