--- The list indexes job-list.lua walks instead of every job (includes/job-walk.lua). All are
--- ZSETs with score 0 whose members are listMember(createdAt, id): the creation time as 13
--- digits, then the id, so members sort by (createdAt, id) and one ZRANGEBYLEX bounds a walk
--- by a created-time range and by a cursor at once, whatever the store's size:
---   <prefix>lt:all            every job
---   <prefix>lt:live           every job not in a final state (waiting … running)
---   <prefix>lt:s:<state>      every job in the final state <state>
---   <prefix>lt:q:<queue>      every job of <queue> (a job never changes queue)
---   <prefix>lt:k:<task>       every job of <task> (a job never changes task)
--- Entering and leaving a final state goes through place/unplace (includes/place.lua), except
--- complete.lua's batch (listCompleted); a new job is added by listNew + listFlush next to the
--- <prefix>jobs ZADD of the script that creates it; removeOne (includes/deps.lua) drops it.
--- Stores written before these indexes existed (layout 1, or layout 2's id-ordered lx:* keys)
--- are filled by list-backfill.lua; the walk uses them only once <prefix>version says so
--- (LIST_LAYOUT).
--- @include "util"

local LIST_LAYOUT = 3
local listAll = {}
local listLive = {}
local listQueues = {}
local listTasks = {}

--- The index member of a job created at `createdAt` (ms, a number or its string).
local function listMember(createdAt, id)
  return string.format('%013d', tonumber(createdAt) or 0) .. id
end

--- The member of a stored job (its createdAt read from its hash).
local function listMemberOf(prefix, id)
  return listMember(redis.call('HGET', prefix .. 'job:' .. id, 'createdAt'), id)
end

local function listPush(byKey, key, m)
  local adds = byKey[key]
  if not adds then
    adds = {}
    byKey[key] = adds
  end
  adds[#adds + 1] = 0
  adds[#adds + 1] = m
end

--- Buffers a new job for the indexes (flushed by listFlush, one ZADD per key).
local function listNew(id, queue, state, createdAt, task)
  local m = listMember(createdAt, id)
  listAll[#listAll + 1] = 0
  listAll[#listAll + 1] = m
  listPush(listQueues, queue, m)
  listPush(listTasks, task, m)
  if not FINAL[state] then
    listLive[#listLive + 1] = 0
    listLive[#listLive + 1] = m
  end
end

local function listFlush(prefix)
  if #listAll > 0 then callMany('ZADD', prefix .. 'lt:all', listAll) end
  if #listLive > 0 then callMany('ZADD', prefix .. 'lt:live', listLive) end
  for queue, adds in pairs(listQueues) do callMany('ZADD', prefix .. 'lt:q:' .. queue, adds) end
  for task, adds in pairs(listTasks) do callMany('ZADD', prefix .. 'lt:k:' .. task, adds) end
  listAll, listLive, listQueues, listTasks = {}, {}, {}, {}
end

--- A job enters final state `state` (a new one too: a job born cancelled is never live).
local function listFinal(prefix, id, state)
  local m = listMemberOf(prefix, id)
  redis.call('ZADD', prefix .. 'lt:s:' .. state, 0, m)
  redis.call('ZREM', prefix .. 'lt:live', m)
end

--- A job leaves final state `state`: it is placed in a live state next or removed.
local function listUnfinal(prefix, id, state)
  local m = listMemberOf(prefix, id)
  redis.call('ZREM', prefix .. 'lt:s:' .. state, m)
  redis.call('ZADD', prefix .. 'lt:live', 0, m)
end

--- complete.lua's batch: `ids` all entered `completed`.
local function listCompleted(prefix, ids)
  local adds, members = {}, {}
  for i = 1, #ids do
    local m = listMemberOf(prefix, ids[i])
    members[i] = m
    adds[2 * i - 1] = 0
    adds[2 * i] = m
  end
  callMany('ZADD', prefix .. 'lt:s:completed', adds)
  callMany('ZREM', prefix .. 'lt:live', members)
end

--- A job is deleted (removeOne calls unplace first, which may have made it live again; its
--- hash is gone by now, so the caller read its task and createdAt before).
local function listRemove(prefix, id, queue, state, task, createdAt)
  local m = listMember(createdAt, id)
  if FINAL[state] then redis.call('ZREM', prefix .. 'lt:s:' .. state, m) end
  redis.call('ZREM', prefix .. 'lt:live', m)
  redis.call('ZREM', prefix .. 'lt:q:' .. queue, m)
  redis.call('ZREM', prefix .. 'lt:k:' .. task, m)
  redis.call('ZREM', prefix .. 'lt:all', m)
end
