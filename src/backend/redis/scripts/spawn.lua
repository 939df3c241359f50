--- jobSpawn (see src/backend/seam/jobs.ts): a running job, fenced by its lease token, writes its
--- children and waits on them, in one script. The caller has checked the batch (no keys,
--- dependencies only on earlier children), so every child starts waiting, queued or scheduled.
---
--- KEYS[1]  prefix
--- ARGV[1]  now     ARGV[2] parent id     ARGV[3] lease token     ARGV[4] policy
--- ARGV[5]  the parent's new meta (JSON)
--- ARGV[6]  number of children
--- ARGV[7…] the children, each in the layout of src/backend/redis/job-args.ts
---
--- Returns { 0, 'waiting' }, { 0, 'refused' } when the lease is stale (nothing written),
---      or { -1, id } when a child id already exists (nothing written).
--- Publishes job:enqueued for each child and job:released for the parent.
--- @include "workflow"
--- @include "push"
--- @include "new-batch"
--- @include "cap-strategy"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local pid = ARGV[2]
local pkey = prefix .. 'job:' .. pid
local n = tonumber(ARGV[6])

local p = redis.call('HMGET', pkey, 'state', 'token', 'queue', 'attempt', 'dependsOn', 'wf')
if p[1] ~= 'running' or p[2] ~= ARGV[3] then return { 0, 'refused' } end
local taken = takenId(prefix, 7, n)
if taken then return { -1, taken } end

local wf = p[6]
if wf and redis.call('SISMEMBER', prefix .. 'workflows:running', wf) == 0 then wf = nil end
local batch = newBatch()
local kids = {}
local notes = {}
eachJob(7, n, function(job, k)
  local jobKey, state = writeMember(prefix, batch, job, wf, now, nowN)
  capNote(notes, job, state, k)
  -- The parent waits for every child.
  redis.call('SADD', prefix .. 'children:' .. job.id, pid)
  redis.call('HSET', jobKey, 'kids', 1)
  kids[#kids + 1] = job.id
end)
flushBatch(prefix, batch)
if wf then
  callMany('RPUSH', prefix .. 'wf:' .. wf .. ':jobs', kids)
  redis.call('HINCRBY', prefix .. 'wf:' .. wf, 'total', n)
end

local dependsOn = {}
if p[5] then dependsOn = cjson.decode(p[5]) end
for i = 1, #kids do dependsOn[#dependsOn + 1] = kids[i] end
local attempt = tonumber(p[4] or '0') - 1
if attempt < 0 then attempt = 0 end
redis.call('HSET', pkey, 'state', 'waiting', 'attempt', attempt, 'dependsOn', cjson.encode(dependsOn),
  'pending', n, 'spawn', ARGV[4], 'meta', ARGV[5], 'updatedAt', now)
redis.call('ZREM', prefix .. 'running', pid)
count(p[3], 'running', -1)
count(p[3], 'waiting', 1)
emit('job:released', pid, p[3], 'waiting', now, '{"spawned":' .. n .. '}')
-- The strategy at the cap, once the children are wired to the parent (includes/cap-strategy.lua).
capMembers(prefix, notes, kids, now)
endTransition(prefix, now)
return { 0, 'waiting' }
