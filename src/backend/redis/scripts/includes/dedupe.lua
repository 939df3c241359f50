--- Dedupe windows (docs/flow-control.md): the rule of src/backend/dedupe-rule.ts, applied inside
--- enqueue.lua, so concurrent enqueues of one key (from any process, or packed by the enqueue
--- group commit into one call) are matched one after another, exactly.
--- <prefix>dedupe (HASH): task NUL dedupe key -> "firstAt:jobId", the job last created for the key.
--- That job's hash keeps the dedupe key (field `dk`), so removing the job (removal, retention,
--- move) drops the key's field with it (includes/deps.lua removeOne) instead of leaving it behind.
--- @include "events"
--- @include "place"

local DEDUPE_PENDING = { waiting = true, scheduled = true, queued = true }

--- The job `job`'s dedupe window matches, as id, state (after a debounce/replace update), or nil:
--- create the job, then `dedupeRecord`. `job` comes from readJob with dMode t/d/r.
local function dedupeMatch(prefix, job, now, nowN)
  local rec = redis.call('HGET', prefix .. 'dedupe', job.task .. '\0' .. job.dKey)
  if not rec then return nil end
  local sep = string.find(rec, ':', 1, true)
  local firstAt = tonumber(string.sub(rec, 1, sep - 1))
  local id = string.sub(rec, sep + 1)
  local key = prefix .. 'job:' .. id
  local f = redis.call('HMGET', key, 'state', 'queue', 'priority')
  local state = f[1]
  if not state then return nil end
  local window = tonumber(job.dWindow)
  local inWindow = window == nil or nowN < firstAt + window
  if job.dMode == 't' then
    if inWindow then return id, state end
    return nil
  end
  if not DEDUPE_PENDING[state] then return nil end
  local runAt = nil
  if job.dMode == 'r' then
    if not inWindow then return nil end
  else
    runAt = job.runAt
    local maxWait = tonumber(job.dMaxWait)
    if maxWait and firstAt + maxWait < tonumber(runAt) then runAt = string.format('%d', firstAt + maxWait) end
  end
  redis.call('HSET', key, 'input', job.input, 'updatedAt', now)
  if runAt then
    local queue, priority = f[2], f[3]
    local newState = state
    if state ~= 'waiting' then
      if tonumber(runAt) > nowN then newState = 'scheduled' else newState = 'queued' end
    end
    unplace(prefix, id, queue, state, priority)
    redis.call('HSET', key, 'runAt', runAt, 'state', newState)
    place(prefix, id, queue, newState, priority, runAt)
    if newState ~= state then
      count(queue, state, -1)
      count(queue, newState, 1)
    end
    state = newState
  end
  local modes = { d = 'debounce', r = 'replace' }
  emit('job:updated', id, f[2], state, now, '{"input":true,"dedupe":"' .. modes[job.dMode] .. '"}')
  return id, state
end

--- Records `id` (just created at `now`) as the job of `job`'s dedupe key.
local function dedupeRecord(prefix, job, id, now)
  redis.call('HSET', prefix .. 'dedupe', job.task .. '\0' .. job.dKey, now .. ':' .. id)
  redis.call('HSET', prefix .. 'job:' .. id, 'dk', job.dKey)
end
