--- Index maintenance: every job state except `waiting` lives in exactly one index.
---   queued    -> <prefix>ready:<queue>:<priority> (ZSET runAt -> id), the priority in
---                <prefix>prio:<queue> (ZSET)
---   scheduled -> <prefix>scheduled:<queue> (ZSET runAt -> id)
---   running   -> <prefix>running (ZSET leaseExpiresAt -> id)
---   completed / failed / cancelled -> <prefix>done:<state> (ZSET finishedAt -> id)
--- and, for listing, in the id-ordered indexes of includes/list-index.lua.
--- @include "util"
--- @include "counts"
--- @include "list-index"

local prioKnown = {}
--- Queues that got a `queued` job in this script: push.lua offers their jobs to parked workers.
local touchedQueues = {}

--- Queued jobs with limits (a `fk` field, includes/flow-keys.lua) wait instead in
---   <prefix>fq:<queue>:<task>␟<key> (ZSET -priority -> "<runAt, 16 digits>:<id>", so equal
---   priorities sort by runAt then id), the group in <prefix>fg:<queue> (SET); the member
---   is kept in the job's `fm` field.

local FLOW_SEP = '\31'

--- The member of a queued job with limits in its group's set.
local function flowMember(runAt, id)
  return string.format('%016d', tonumber(runAt)) .. ':' .. id
end

--- Puts a queued job with limits in its group's set (`fk`: its limit key).
local function placeFlow(prefix, id, queue, task, fk, priority, runAt)
  local g = task .. FLOW_SEP .. fk
  local m = flowMember(runAt, id)
  redis.call('ZADD', prefix .. 'fq:' .. queue .. ':' .. g, -tonumber(priority), m)
  redis.call('SADD', prefix .. 'fg:' .. queue, g)
  redis.call('HSET', prefix .. 'job:' .. id, 'fm', m)
  touchedQueues[queue] = true
end

--- `score` is runAt (queued, scheduled), leaseExpiresAt (running) or finishedAt (final states).
local function place(prefix, id, queue, state, priority, score)
  if state == 'queued' then
    local ff = redis.call('HMGET', prefix .. 'job:' .. id, 'fk', 'task')
    if ff[1] then return placeFlow(prefix, id, queue, ff[2], ff[1], priority, score) end
    redis.call('ZADD', prefix .. 'ready:' .. queue .. ':' .. priority, score, id)
    touchedQueues[queue] = true
    local pk = queue .. '\0' .. priority
    if not prioKnown[pk] then
      redis.call('ZADD', prefix .. 'prio:' .. queue, priority, priority)
      prioKnown[pk] = true
    end
  elseif state == 'scheduled' then
    redis.call('ZADD', prefix .. 'scheduled:' .. queue, score, id)
  elseif state == 'running' then
    redis.call('ZADD', prefix .. 'running', score, id)
  elseif state == 'completed' or state == 'failed' or state == 'cancelled' then
    redis.call('ZADD', prefix .. 'done:' .. state, score, id)
    listFinal(prefix, id, state)
  end
end

--- Drops an empty ready set's priority from <prefix>prio:<queue>.
local function dropPriorityIfEmpty(prefix, queue, priority)
  if redis.call('EXISTS', prefix .. 'ready:' .. queue .. ':' .. priority) == 0 then
    redis.call('ZREM', prefix .. 'prio:' .. queue, priority)
    prioKnown[queue .. '\0' .. priority] = nil
  end
end

local function unplace(prefix, id, queue, state, priority)
  if state == 'queued' then
    local ff = redis.call('HMGET', prefix .. 'job:' .. id, 'fk', 'task', 'fm')
    if ff[1] then
      redis.call('ZREM', prefix .. 'fq:' .. queue .. ':' .. ff[2] .. FLOW_SEP .. ff[1], ff[3])
      return
    end
    redis.call('ZREM', prefix .. 'ready:' .. queue .. ':' .. priority, id)
    dropPriorityIfEmpty(prefix, queue, priority)
  elseif state == 'scheduled' then
    redis.call('ZREM', prefix .. 'scheduled:' .. queue, id)
  elseif state == 'running' then
    redis.call('ZREM', prefix .. 'running', id)
  elseif FINAL[state] then
    redis.call('ZREM', prefix .. 'done:' .. state, id)
    listUnfinal(prefix, id, state)
  end
end
