--- Builds the list indexes (includes/list-index.lua) of a store written before they existed,
--- one slice of <prefix>jobs per call so Redis is never held long; `migrate` calls it until
--- done. The walk's position is kept in <prefix>lx:backfill, so processes migrating at once
--- share the work and a restart resumes. Writers of this version keep the indexes right for
--- jobs already passed; each job is read and indexed in one step, so it is indexed in the
--- state it has.
---
--- KEYS[1]  prefix
--- ARGV[1]  most jobs indexed in this call
---
--- Returns { 0, done (1 = every job indexed and <prefix>version raised), jobs indexed }
--- @include "list-index"

local prefix = KEYS[1]
local n = tonumber(ARGV[1])
if tonumber(redis.call('GET', prefix .. 'version') or '0') >= LIST_LAYOUT then return { 0, 1, 0 } end
local from = redis.call('GET', prefix .. 'lx:backfill')
local lo = '-'
if from then lo = '(' .. from end
local ids = redis.call('ZRANGEBYLEX', prefix .. 'jobs', lo, '+', 'LIMIT', 0, n)
for i = 1, #ids do
  local f = redis.call('HMGET', prefix .. 'job:' .. ids[i], 'queue', 'state', 'createdAt')
  if f[1] then
    redis.call('ZADD', prefix .. 'lx:t', f[3], ids[i])
    redis.call('ZADD', prefix .. 'lx:q:' .. f[1], 0, ids[i])
    if FINAL[f[2]] then
      redis.call('ZADD', prefix .. 'lx:s:' .. f[2], 0, ids[i])
    else
      redis.call('ZADD', prefix .. 'lx:live', 0, ids[i])
    end
  end
end
if #ids < n then
  redis.call('SET', prefix .. 'version', LIST_LAYOUT)
  redis.call('DEL', prefix .. 'lx:backfill')
  return { 0, 1, #ids }
end
redis.call('SET', prefix .. 'lx:backfill', ids[#ids])
return { 0, 0, #ids }
