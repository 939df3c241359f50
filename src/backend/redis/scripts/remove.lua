--- Removes jobs in any state but `running` (cancel those first), with their logs and links.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] job ids
---
--- Returns { 0, removedCount, removed ids…, skipped ids… }
--- Publishes job:removed (state: the state the job had).
--- @include "deps"

local prefix = KEYS[1]
local now = ARGV[1]
local removed, skipped = {}, {}

for i = 2, #ARGV do
  local id = ARGV[i]
  local f = redis.call('HMGET', prefix .. 'job:' .. id, unpack(REMOVE_FIELDS))
  if not f[1] or f[1] == 'running' then
    skipped[#skipped + 1] = id
  else
    removeOne(prefix, id, f)
    emit('job:removed', id, f[2], f[1], now, nil)
    removed[#removed + 1] = id
  end
end

flushCounts(prefix)
publish(prefix)
return idsReply(removed, skipped)
