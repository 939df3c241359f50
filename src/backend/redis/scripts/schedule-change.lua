--- Removes, pauses or resumes a schedule. Resuming a paused schedule stores the next fire time
--- computed from now (time spent paused is not a misfire); resuming an active one changes
--- nothing else. Removing keeps the jobs it fired (and drops its recent runs).
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  name
--- ARGV[3]  "remove" | "pause" | "resume"
--- ARGV[4]  with resume: nextFireAt ("" = null)
---
--- Returns { 0, 1 } when the schedule exists, { 0, 0 } otherwise.
--- Publishes schedule:changed (data.change: removed, paused, resumed).
--- @include "schedule"

local prefix, now, name, op = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local key = scheduleKey(prefix, name)
if redis.call('EXISTS', key) == 0 then return { 0, 0 } end
local change
if op == 'remove' then
  redis.call('DEL', key, prefix .. 'schedule-runs:' .. name)
  redis.call('SREM', prefix .. 'schedules', name)
  change = 'removed'
elseif op == 'pause' then
  redis.call('HSET', key, 'paused', 1, 'updatedAt', now)
  change = 'paused'
else
  if redis.call('HGET', key, 'paused') == '1' then
    if ARGV[4] ~= '' then
      redis.call('HSET', key, 'nextFireAt', ARGV[4])
    else
      redis.call('HDEL', key, 'nextFireAt')
    end
  end
  redis.call('HSET', key, 'paused', 0, 'updatedAt', now)
  change = 'resumed'
end
emitSchedule('schedule:changed', name, now, '"change":"' .. change .. '"')
publish(prefix)
return { 0, 1 }
