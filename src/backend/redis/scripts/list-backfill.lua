--- Builds the list indexes (includes/list-index.lua) of a store written before they existed,
--- one slice of <prefix>jobs per call so Redis is never held long; `migrate` calls it until
--- done. The walk's position is kept in <prefix>lt:backfill, so processes migrating at once
--- share the work and a restart resumes. Writers of this version keep the indexes right for
--- jobs already passed; each job is read and indexed in one step, so it is indexed in the
--- state it has. The last call drops layout 2's id-ordered indexes (<prefix>lx:*), which no
--- writer of this version updates.
---
--- KEYS[1]  prefix
--- ARGV[1]  most jobs indexed in this call
---
--- Returns { 0, done (1 = every job indexed and <prefix>version raised), jobs indexed }
--- @include "list-index"

local prefix = KEYS[1]
local n = tonumber(ARGV[1])
if tonumber(redis.call('GET', prefix .. 'version') or '0') >= LIST_LAYOUT then return { 0, 1, 0 } end
local from = redis.call('GET', prefix .. 'lt:backfill')
local lo = '-'
if from then lo = '(' .. from end
local ids = redis.call('ZRANGEBYLEX', prefix .. 'jobs', lo, '+', 'LIMIT', 0, n)
for i = 1, #ids do
  local f = redis.call('HMGET', prefix .. 'job:' .. ids[i], 'queue', 'state', 'createdAt', 'task')
  if f[1] then
    local m = listMember(f[3], ids[i])
    redis.call('ZADD', prefix .. 'lt:all', 0, m)
    redis.call('ZADD', prefix .. 'lt:q:' .. f[1], 0, m)
    redis.call('ZADD', prefix .. 'lt:k:' .. f[4], 0, m)
    if FINAL[f[2]] then
      redis.call('ZADD', prefix .. 'lt:s:' .. f[2], 0, m)
    else
      redis.call('ZADD', prefix .. 'lt:live', 0, m)
    end
  end
end
if #ids < n then
  -- Layout 2's indexes: UNLINK frees them off the main thread, however big.
  local old = { prefix .. 'lx:t', prefix .. 'lx:live', prefix .. 'lx:backfill' }
  for state in pairs(FINAL) do old[#old + 1] = prefix .. 'lx:s:' .. state end
  for _, queue in ipairs(redis.call('SMEMBERS', prefix .. 'queues')) do old[#old + 1] = prefix .. 'lx:q:' .. queue end
  callMany('UNLINK', old[1], { unpack(old, 2) })
  redis.call('SET', prefix .. 'version', LIST_LAYOUT)
  redis.call('DEL', prefix .. 'lt:backfill')
  return { 0, 1, #ids }
end
redis.call('SET', prefix .. 'lt:backfill', ids[#ids])
return { 0, 0, #ids }
