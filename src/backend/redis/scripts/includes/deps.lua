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

--- Cancels every not-yet-final, not-running job downstream of `parentId`; appends ids to `into`.
local function cancelDependents(prefix, parentId, now, reason, into)
  local stack = redis.call('SMEMBERS', prefix .. 'children:' .. parentId)
  while #stack > 0 do
    local cid = table.remove(stack)
    local f = redis.call('HMGET', prefix .. 'job:' .. cid, 'state', 'queue', 'priority')
    local state = f[1]
    if state and not FINAL[state] and state ~= 'running' then
      cancelOne(prefix, cid, state, f[2], f[3], now, reason)
      if into then into[#into + 1] = cid end
      local more = redis.call('SMEMBERS', prefix .. 'children:' .. cid)
      for i = 1, #more do stack[#stack + 1] = more[i] end
    end
  end
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
        local state = 'queued'
        local runAt = f[3]
        if tonumber(runAt) > tonumber(now) then
          state = 'scheduled'
        else
          runAt = now
        end
        redis.call('HSET', key, 'state', state, 'runAt', runAt, 'pending', 0, 'updatedAt', now)
        place(prefix, cid, f[4], state, f[5], runAt)
        count(f[4], 'waiting', -1)
        count(f[4], state, 1)
        emit('job:enqueued', cid, f[4], state, now, '{"released":true}')
      end
    end
  end
end

--- Deletes a job and everything that points at it. Children keep their pending counters: a
--- removed parent that never completed still blocks them (as in the memory backend).
local function removeOne(prefix, id, f)
  -- f: state, queue, priority, task, key, dependsOn
  local state, queue = f[1], f[2]
  unplace(prefix, id, queue, state, f[3])
  if f[5] then
    local kf = f[4] .. '\0' .. f[5]
    if redis.call('HGET', prefix .. 'keys', kf) == id then redis.call('HDEL', prefix .. 'keys', kf) end
  end
  if f[6] then
    local deps = cjson.decode(f[6])
    for i = 1, #deps do redis.call('SREM', prefix .. 'children:' .. deps[i], id) end
  end
  redis.call('DEL', prefix .. 'job:' .. id, prefix .. 'logs:' .. id, prefix .. 'children:' .. id)
  redis.call('ZREM', prefix .. 'jobs', id)
  count(queue, state, -1)
end

--- The fields removeOne needs, in its order.
local REMOVE_FIELDS = { 'state', 'queue', 'priority', 'task', 'key', 'dependsOn' }
