--- Runs scheduled (delayed) jobs now: queued, due at now, offered to parked workers.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2…] job ids
---
--- Returns { 0, okCount, ok ids…, refused ids… }
--- Publishes job:enqueued with data { promoted: true }.
--- @include "events"
--- @include "place"
--- @include "push"

local prefix = KEYS[1]
local now = ARGV[1]
local ok, refused = {}, {}

for i = 2, #ARGV do
  local id = ARGV[i]
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority')
  if f[1] ~= 'scheduled' then
    refused[#refused + 1] = id
  else
    local queue = f[2]
    unplace(prefix, id, queue, 'scheduled', f[3])
    redis.call('HSET', key, 'state', 'queued', 'runAt', now, 'updatedAt', now)
    place(prefix, id, queue, 'queued', f[3], now)
    count(queue, 'scheduled', -1)
    count(queue, 'queued', 1)
    emit('job:enqueued', id, queue, 'queued', now, '{"promoted":true}')
    ok[#ok + 1] = id
  end
end

endTransition(prefix, now)
local out = { 0, #ok }
for i = 1, #ok do out[#out + 1] = ok[i] end
for i = 1, #refused do out[#out + 1] = refused[i] end
return out
