--- Reads one workflow record; while it runs, also its live job counts per state.
---
--- KEYS[1]  prefix
--- ARGV[1]  workflow id
---
--- Returns { 0 } when there is no such workflow, else
---         { 0, name, policy, state, spec, total, createdAt, finishedAt or "", counts JSON }
--- (counts: state -> n; frozen once settled).
--- @include "workflow"

local prefix = KEYS[1]
local wf = ARGV[1]
local f = redis.call('HMGET', prefix .. 'wf:' .. wf, 'name', 'policy', 'state', 'spec', 'total', 'createdAt',
  'finishedAt', 'counts')
if not f[1] then return { 0 } end
local counts = f[8]
if f[3] == 'running' then
  local c = workflowCounts(prefix, wf)
  counts = cjson.encode(c)
  if counts == '[]' or counts == '{}' then counts = '{}' end
end
return { 0, f[1], f[2], f[3], f[4], f[5], f[6], f[7] or '', counts or '{}' }
