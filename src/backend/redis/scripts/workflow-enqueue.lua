--- Writes a workflow atomically: its record and every job (all or nothing). The caller has
--- checked that jobs carry no key and depend only on earlier jobs of the batch, so each job
--- starts `waiting` (with dependencies) or `queued`/`scheduled`.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  workflow id     ARGV[3] name     ARGV[4] policy     ARGV[5] spec (JSON)
--- ARGV[6]  number of jobs
--- ARGV[7…] the jobs, each in the layout of src/backend/redis/job-args.ts (read by readJob,
---          includes/job-args.lua)
---
--- Returns { 0, id1, state1, id2, state2, … }
---      or { -1, id } when the workflow id or a job id already exists (nothing written)
--- Publishes job:enqueued for every job. Nodes with a strategy at the cap that enter queued are
--- then decided (includes/cap-strategy.lua capMembers): a drop cancels the node itself.
--- @include "workflow"
--- @include "push"
--- @include "new-batch"
--- @include "cap-strategy"

local prefix = KEYS[1]
local now = ARGV[1]
local nowN = tonumber(now)
local wf = ARGV[2]
local n = tonumber(ARGV[6])

if redis.call('EXISTS', prefix .. 'wf:' .. wf) == 1 then return { -1, wf } end
local taken = takenId(prefix, 7, n)
if taken then return { -1, taken } end

local out = { 0 }
local batch = newBatch()
local members = {}
local notes = {}
eachJob(7, n, function(job, k)
  local _, state = writeMember(prefix, batch, job, wf, now, nowN)
  capNote(notes, job, state, k)
  members[#members + 1] = job.id
  out[#out + 1] = job.id
  out[#out + 1] = state
end)

flushBatch(prefix, batch)
callMany('RPUSH', prefix .. 'wf:' .. wf .. ':jobs', members)
redis.call('HSET', prefix .. 'wf:' .. wf, 'name', ARGV[3], 'policy', ARGV[4], 'state', 'running',
  'spec', ARGV[5], 'total', n, 'createdAt', now)
redis.call('ZADD', prefix .. 'workflows', 0, wf)
redis.call('SADD', prefix .. 'workflows:running', wf)
-- The strategy at the cap, once the workflow is whole (includes/cap-strategy.lua).
capMembers(prefix, notes, members, now)
endTransition(prefix, now)
return out
