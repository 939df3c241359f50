--- Workflow rules inside other transitions (see src/backend/seam/workflows.ts):
---   P wf:<id>          hash   name, policy, state, spec, total, counts (JSON once settled),
---                             createdAt, finishedAt
---   P wf:<id>:jobs     list   the workflow's job ids, in node order
---   P workflows        zset   every workflow id, score 0 (lexicographic = creation order)
---   P workflows:running set   workflows not settled yet (retention keeps their jobs)
---   job hash field `wf` = the workflow id
--- @include "deps"

local WF_ACTIVE = { waiting = true, scheduled = true, queued = true, running = true }

--- failFast: job `id` just ended `failed`; cancel every not-started job of its workflow.
local function workflowJobFailed(prefix, id, now)
  local wf = redis.call('HGET', prefix .. 'job:' .. id, 'wf')
  if not wf then return end
  local w = redis.call('HMGET', prefix .. 'wf:' .. wf, 'policy', 'state')
  if w[1] ~= 'failFast' or w[2] ~= 'running' then return end
  local reason = 'workflow failed fast: job ' .. id .. ' failed'
  local ids = redis.call('LRANGE', prefix .. 'wf:' .. wf .. ':jobs', 0, -1)
  for i = 1, #ids do
    local jid = ids[i]
    local f = redis.call('HMGET', prefix .. 'job:' .. jid, 'state', 'queue', 'priority', 'kids')
    if f[1] == 'waiting' or f[1] == 'scheduled' or f[1] == 'queued' then
      cancelOne(prefix, jid, f[1], f[2], f[3], now, reason)
      if f[4] then cancelDependents(prefix, jid, now, 'dependency ' .. jid .. ' was cancelled', nil) end
    end
  end
end

--- Counts of the workflow's jobs per state (a table state -> n) and whether any is active.
local function workflowCounts(prefix, wf)
  local counts = {}
  local active = false
  local ids = redis.call('LRANGE', prefix .. 'wf:' .. wf .. ':jobs', 0, -1)
  for i = 1, #ids do
    local s = redis.call('HGET', prefix .. 'job:' .. ids[i], 'state')
    if s then
      counts[s] = (counts[s] or 0) + 1
      if WF_ACTIVE[s] then active = true end
    end
  end
  return counts, active
end

--- Freezes every running workflow whose jobs are all final (retention may then prune them).
local function workflowSettle(prefix, now)
  local running = redis.call('SMEMBERS', prefix .. 'workflows:running')
  for i = 1, #running do
    local wf = running[i]
    local counts, active = workflowCounts(prefix, wf)
    if not active then
      local state = 'completed'
      if (counts.failed or 0) > 0 then
        state = 'failed'
      elseif (counts.cancelled or 0) > 0 then
        state = 'cancelled'
      end
      local json = '{"completed":' .. (counts.completed or 0) .. ',"failed":' .. (counts.failed or 0)
        .. ',"cancelled":' .. (counts.cancelled or 0) .. '}'
      redis.call('HSET', prefix .. 'wf:' .. wf, 'state', state, 'counts', json, 'finishedAt', now)
      redis.call('SREM', prefix .. 'workflows:running', wf)
    end
  end
end

--- True while job `id` belongs to a workflow that is not settled.
local function workflowRetains(prefix, id)
  local wf = redis.call('HGET', prefix .. 'job:' .. id, 'wf')
  return wf ~= false and wf ~= nil and redis.call('SISMEMBER', prefix .. 'workflows:running', wf) == 1
end
