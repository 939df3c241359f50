--- Takes not-started jobs out of circulation for `spool move` (src/backend/seam/move.ts), all or
--- none: each becomes `running` under the mover's worker id and token with a lease that never
--- expires (score ARGV[4] in <prefix>running), so no claim, rescue, release or workflow rule
--- touches it. Refused (nothing written) when an id is not waiting/scheduled/queued, or when a
--- not-finished parent or child of a batch job is outside the batch.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  the mover's worker id
--- ARGV[3]  the lease token
--- ARGV[4]  the lease expiry (MOVE_LEASE_UNTIL)
--- ARGV[5…] job ids
---
--- Returns { 0, n, id1, fields1 (HGETALL before the take), … } when taken,
---      or { 1, nBlocked, blocked ids…, relative1, of1, … } when refused.
--- @include "place"

local prefix, now, workerId, token, untilAt = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local NOT_STARTED = { waiting = true, scheduled = true, queued = true }
local batch = {}
for i = 5, #ARGV do batch[ARGV[i]] = true end

local blocked = {}
for i = 5, #ARGV do
  local st = redis.call('HGET', prefix .. 'job:' .. ARGV[i], 'state')
  if not st or not NOT_STARTED[st] then blocked[#blocked + 1] = ARGV[i] end
end
if #blocked > 0 then
  local out = { 1, #blocked }
  for i = 1, #blocked do out[#out + 1] = blocked[i] end
  return out
end

local needs = {}
local function need(rel, of)
  if batch[rel] then return end
  local st = redis.call('HGET', prefix .. 'job:' .. rel, 'state')
  if st and not FINAL[st] then
    needs[#needs + 1] = rel
    needs[#needs + 1] = of
  end
end
for i = 5, #ARGV do
  local id = ARGV[i]
  local f = redis.call('HMGET', prefix .. 'job:' .. id, 'dependsOn', 'kids')
  if f[1] then
    local deps = cjson.decode(f[1])
    for j = 1, #deps do need(deps[j], id) end
  end
  if f[2] then
    local kids = redis.call('SMEMBERS', prefix .. 'children:' .. id)
    for j = 1, #kids do need(kids[j], id) end
  end
end
if #needs > 0 then
  local out = { 1, 0 }
  for i = 1, #needs do out[#out + 1] = needs[i] end
  return out
end

local out = { 0, #ARGV - 4 }
for i = 5, #ARGV do
  local id = ARGV[i]
  local key = prefix .. 'job:' .. id
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGETALL', key)
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority')
  unplace(prefix, id, f[2], f[1], f[3])
  redis.call('HSET', key, 'state', 'running', 'workerId', workerId, 'token', token, 'leaseExpiresAt', untilAt,
    'updatedAt', now)
  place(prefix, id, f[2], 'running', f[3], untilAt)
  count(f[2], f[1], -1)
  count(f[2], 'running', 1)
end
flushCounts(prefix)
return out
