--- Deletes moved-out jobs (src/backend/seam/move.ts): those the mover holds (running under the
--- token) and finished ones it copied, with their logs and links; then moved workflow records.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  the mover's lease token
--- ARGV[3]  number of job ids, then the ids, then workflow ids
---
--- Returns { 0, removedCount, removed ids…, skipped ids… }
--- Publishes job:removed (data.moved).
--- @include "deps"

local prefix, now, token = KEYS[1], ARGV[1], ARGV[2]
local n = tonumber(ARGV[3])
local removed, skipped = {}, {}
for i = 4, 3 + n do
  local id = ARGV[i]
  local f = redis.call('HMGET', prefix .. 'job:' .. id, unpack(REMOVE_FIELDS))
  local held = f[1] == 'running' and redis.call('HGET', prefix .. 'job:' .. id, 'token') == token
  if f[1] and (held or FINAL[f[1]]) then
    removeOne(prefix, id, f)
    emit('job:removed', id, f[2], f[1], now, '{"moved":true}')
    removed[#removed + 1] = id
  else
    skipped[#skipped + 1] = id
  end
end
for i = 4 + n, #ARGV do
  local wf = ARGV[i]
  redis.call('DEL', prefix .. 'wf:' .. wf, prefix .. 'wf:' .. wf .. ':jobs')
  redis.call('ZREM', prefix .. 'workflows', wf)
  redis.call('SREM', prefix .. 'workflows:running', wf)
end

flushCounts(prefix)
publish(prefix)
return idsReply(removed, skipped)
