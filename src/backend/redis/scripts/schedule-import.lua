--- Inserts a moved-in schedule with every field as the source stored it, unless the name exists.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  name
--- ARGV[3…] field, value, … (includes/schedule.lua layout; absent fields are null)
---
--- Returns { 0, created (0/1) }. Publishes schedule:changed when created.
--- @include "schedule"

local prefix, now, name = KEYS[1], ARGV[1], ARGV[2]
local key = scheduleKey(prefix, name)
if redis.call('EXISTS', key) == 1 then return { 0, 0 } end
redis.call('HSET', key, unpack(ARGV, 3))
redis.call('SADD', prefix .. 'schedules', name)
emitSchedule('schedule:changed', name, now, '"change":"created"')
publish(prefix)
return { 0, 1 }
