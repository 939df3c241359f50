--- Schedules: one hash per schedule, <prefix>schedule:<name>, and the set <prefix>schedules of
--- names. Fields: spec, triggerKey, anchorAt, nextFireAt (absent = null), lastFireAt,
--- lastJobId, runs, paused (0/1), createdAt, updatedAt; recent fires in <prefix>schedule-runs:<name>
--- (schedule-fire.lua). Events go on the change feed like job
--- events (jobId "" and queue ""; the name in data.schedule).
--- @include "events"

local function scheduleKey(prefix, name)
  return prefix .. 'schedule:' .. name
end

--- Appends a schedule:* event; `extra` is a JSON object body without braces ("" for none).
local function emitSchedule(etype, name, now, extra)
  local data = '{"schedule":' .. jstr(name)
  if extra ~= '' then data = data .. ',' .. extra end
  emit(etype, '', '', nil, now, data .. '}')
end
