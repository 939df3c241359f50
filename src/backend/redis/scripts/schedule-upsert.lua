--- Creates or redefines a schedule by name. Same spec and triggerKey: nothing is written. Same
--- triggerKey, new spec: only the spec changes (anchor, next fire time, runs, pause stay). New
--- triggerKey: the anchor and next fire time reset to the given ones.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  name
--- ARGV[3]  spec (JSON, opaque)
--- ARGV[4]  triggerKey
--- ARGV[5]  anchorAt
--- ARGV[6]  nextFireAt ("" = null)
--- ARGV[7]  paused on creation ("1" / "0")
---
--- Returns { 0, created (0/1), changed (0/1), field1, value1, … (the stored hash) }
--- Publishes schedule:changed when something was written.
--- @include "schedule"

local prefix, now, name = KEYS[1], ARGV[1], ARGV[2]
local spec, triggerKey, anchorAt, nextFireAt, paused = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local key = scheduleKey(prefix, name)
local old = redis.call('HMGET', key, 'spec', 'triggerKey')
local created, changed = 0, 1
if old[1] == false then
  created = 1
  redis.call('HSET', key, 'spec', spec, 'triggerKey', triggerKey, 'anchorAt', anchorAt, 'runs', 0,
    'paused', paused, 'createdAt', now, 'updatedAt', now)
  if nextFireAt ~= '' then redis.call('HSET', key, 'nextFireAt', nextFireAt) end
  redis.call('SADD', prefix .. 'schedules', name)
  emitSchedule('schedule:changed', name, now, '"change":"created"')
elseif old[1] == spec and old[2] == triggerKey then
  changed = 0
else
  redis.call('HSET', key, 'spec', spec, 'triggerKey', triggerKey, 'updatedAt', now)
  if old[2] ~= triggerKey then
    redis.call('HSET', key, 'anchorAt', anchorAt)
    if nextFireAt ~= '' then
      redis.call('HSET', key, 'nextFireAt', nextFireAt)
    else
      redis.call('HDEL', key, 'nextFireAt')
    end
  end
  emitSchedule('schedule:changed', name, now, '"change":"updated"')
end
publish(prefix)
local out = { 0, created, changed }
local flat = redis.call('HGETALL', key)
for i = 1, #flat do out[#out + 1] = flat[i] end
return out
