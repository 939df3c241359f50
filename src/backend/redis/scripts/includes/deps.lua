--- Transitions shared by several scripts: cancelling (with the cascade down the dependency
--- graph), releasing waiting dependents when a parent completes, and removing a job.
--- Dependents of job X are the SET <prefix>children:<X>; X's hash has `kids` = 1 once it has
--- any, so the hot paths (complete, fail) skip the SMEMBERS for the usual job without dependents.
--- @include "events"
--- @include "place"

local function cancelOne(prefix, id, state, queue, priority, now, reason)
  local key = prefix .. 'job:' .. id
  unplace(prefix, id, queue, state, priority)
  redis.call('HSET', key, 'state', 'cancelled', 'finishedAt', now, 'updatedAt', now)
  place(prefix, id, queue, 'cancelled', priority, now)
  count(queue, state, -1)
  count(queue, 'cancelled', 1)
  emit('job:cancelled', id, queue, 'cancelled', now, '{"reason":' .. jstr(reason) .. '}')
end

--- A waiting job whose last dependency settled: queued (runAt moves up to now) or scheduled
--- (runAt still ahead).
local function wakeWaiting(prefix, id, queue, priority, runAt, now)
  local state = 'queued'
  if tonumber(runAt) > tonumber(now) then
    state = 'scheduled'
  else
    runAt = now
  end
  redis.call('HSET', prefix .. 'job:' .. id, 'state', state, 'runAt', runAt, 'pending', 0, 'updatedAt', now)
  place(prefix, id, queue, state, priority, runAt)
  count(queue, 'waiting', -1)
  count(queue, state, 1)
  emit('job:enqueued', id, queue, state, now, '{"released":true}')
end

--- A child of the spawn waiter `wid` ended failed or cancelled (see seam/jobs.ts SpawnPolicy):
--- under 'fail' the waiter is released at once, under 'continue' the child counts like a completion.
local function settleSpawnWaiter(prefix, wid, now)
  local key = prefix .. 'job:' .. wid
  local f = redis.call('HMGET', key, 'state', 'pending', 'runAt', 'queue', 'priority', 'spawn')
  if f[1] ~= 'waiting' then return end
  local pending = 0
  if f[6] == 'continue' then pending = tonumber(f[2] or '0') - 1 end
  if pending > 0 then
    redis.call('HSET', key, 'pending', pending)
    return
  end
  wakeWaiting(prefix, wid, f[4], f[5], f[3], now)
end

--- Cancels every not-yet-final, not-running job downstream of `parentId`; appends ids to `into`.
--- A spawn waiter (field `spawn`) is not cancelled: its policy applies instead.
local function cancelDependents(prefix, parentId, now, reason, into)
  local stack = redis.call('SMEMBERS', prefix .. 'children:' .. parentId)
  while #stack > 0 do
    local cid = table.remove(stack)
    local f = redis.call('HMGET', prefix .. 'job:' .. cid, 'state', 'queue', 'priority', 'spawn')
    local state = f[1]
    if state and not FINAL[state] and state ~= 'running' then
      if f[4] then
        settleSpawnWaiter(prefix, cid, now)
      else
        cancelOne(prefix, cid, state, f[2], f[3], now, reason)
        if into then into[#into + 1] = cid end
        local more = redis.call('SMEMBERS', prefix .. 'children:' .. cid)
        for i = 1, #more do stack[#stack + 1] = more[i] end
      end
    end
  end
end

--- Cancels job `id` (not final), its dependents, and, for a spawn waiter, its unfinished
--- children (and theirs); appends every cancelled id to `into`.
local function cancelWithChildren(prefix, id, now, reason, into)
  local f = redis.call('HMGET', prefix .. 'job:' .. id, 'state', 'queue', 'priority', 'spawn', 'dependsOn')
  if not f[1] or FINAL[f[1]] then return false end
  cancelOne(prefix, id, f[1], f[2], f[3], now, reason)
  into[#into + 1] = id
  cancelDependents(prefix, id, now, 'dependency ' .. id .. ' was cancelled', into)
  if f[4] and f[5] then
    local deps = cjson.decode(f[5])
    for i = 1, #deps do cancelWithChildren(prefix, deps[i], now, 'parent ' .. id .. ' was cancelled', into) end
  end
  return true
end

--- After `parentId` completed: each waiting child loses one pending dependency and, at zero,
--- becomes queued (runAt moves up to now) or scheduled (runAt still ahead).
local function releaseDependents(prefix, parentId, now)
  local children = redis.call('SMEMBERS', prefix .. 'children:' .. parentId)
  for i = 1, #children do
    local cid = children[i]
    local key = prefix .. 'job:' .. cid
    local f = redis.call('HMGET', key, 'state', 'pending', 'runAt', 'queue', 'priority')
    if f[1] == 'waiting' then
      local pending = tonumber(f[2] or '0') - 1
      if pending > 0 then
        redis.call('HSET', key, 'pending', pending)
      else
        wakeWaiting(prefix, cid, f[4], f[5], f[3], now)
      end
    end
  end
end

--- Deletes a job and everything that points at it. Children keep their pending counters: a
--- removed parent that never completed still blocks them (as in the memory backend).
local function removeOne(prefix, id, f)
  -- f: state, queue, priority, task, key, dependsOn, dk (its dedupe key, includes/dedupe.lua)
  local state, queue = f[1], f[2]
  unplace(prefix, id, queue, state, f[3])
  if f[5] then
    local kf = f[4] .. '\0' .. f[5]
    if redis.call('HGET', prefix .. 'keys', kf) == id then redis.call('HDEL', prefix .. 'keys', kf) end
  end
  if f[7] then
    -- Its dedupe key's record, unless a later job of the key holds it now ("firstAt:jobId").
    local df = f[4] .. '\0' .. f[7]
    local rec = redis.call('HGET', prefix .. 'dedupe', df)
    if rec and string.sub(rec, -#id - 1) == ':' .. id then redis.call('HDEL', prefix .. 'dedupe', df) end
  end
  if f[6] then
    local deps = cjson.decode(f[6])
    for i = 1, #deps do redis.call('SREM', prefix .. 'children:' .. deps[i], id) end
  end
  local createdAt = redis.call('HGET', prefix .. 'job:' .. id, 'createdAt')
  redis.call('DEL', prefix .. 'job:' .. id, prefix .. 'logs:' .. id, prefix .. 'children:' .. id)
  redis.call('ZREM', prefix .. 'jobs', id)
  listRemove(prefix, id, queue, state, f[4], createdAt)
  count(queue, state, -1)
end

--- The fields removeOne needs, in its order.
local REMOVE_FIELDS = { 'state', 'queue', 'priority', 'task', 'key', 'dependsOn', 'dk' }
