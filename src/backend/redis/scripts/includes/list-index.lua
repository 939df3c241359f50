--- The list indexes job-list.lua walks instead of every job (includes/job-walk.lua). All are
--- ZSETs with score 0, so members sort by id, i.e. by creation, like <prefix>jobs:
---   <prefix>lx:live           every job not in a final state (waiting … running)
---   <prefix>lx:s:<state>      every job in the final state <state>
---   <prefix>lx:q:<queue>      every job of <queue> (a job never changes queue)
--- and <prefix>lx:t (ZSET createdAt -> id), which bounds a created-time range's ids.
--- Entering and leaving a final state goes through place/unplace (includes/place.lua), except
--- complete.lua's batch (listCompleted); a new job is added by listNew + listFlush next to the
--- <prefix>jobs ZADD of the script that creates it; removeOne (includes/deps.lua) drops it.
--- Stores written before these indexes existed are filled by list-backfill.lua; the walk uses
--- them only once <prefix>version says so (LIST_LAYOUT).
--- @include "util"

local LIST_LAYOUT = 2
local listLive = {}
local listQueues = {}
local listTimes = {}

--- Buffers a new job for the indexes (flushed by listFlush, one ZADD per key).
local function listNew(id, queue, state, createdAt)
  listTimes[#listTimes + 1] = createdAt
  listTimes[#listTimes + 1] = id
  local q = listQueues[queue]
  if not q then
    q = {}
    listQueues[queue] = q
  end
  q[#q + 1] = 0
  q[#q + 1] = id
  if not FINAL[state] then
    listLive[#listLive + 1] = 0
    listLive[#listLive + 1] = id
  end
end

local function listFlush(prefix)
  if #listLive > 0 then callMany('ZADD', prefix .. 'lx:live', listLive) end
  for queue, adds in pairs(listQueues) do callMany('ZADD', prefix .. 'lx:q:' .. queue, adds) end
  if #listTimes > 0 then callMany('ZADD', prefix .. 'lx:t', listTimes) end
  listLive, listQueues, listTimes = {}, {}, {}
end

--- A job enters final state `state` (a new one too: a job born cancelled is never live).
local function listFinal(prefix, id, state)
  redis.call('ZADD', prefix .. 'lx:s:' .. state, 0, id)
  redis.call('ZREM', prefix .. 'lx:live', id)
end

--- A job leaves final state `state`: it is placed in a live state next or removed.
local function listUnfinal(prefix, id, state)
  redis.call('ZREM', prefix .. 'lx:s:' .. state, id)
  redis.call('ZADD', prefix .. 'lx:live', 0, id)
end

--- complete.lua's batch: `ids` all entered `completed`.
local function listCompleted(prefix, ids)
  local adds = {}
  for i = 1, #ids do
    adds[2 * i - 1] = 0
    adds[2 * i] = ids[i]
  end
  callMany('ZADD', prefix .. 'lx:s:completed', adds)
  callMany('ZREM', prefix .. 'lx:live', ids)
end

--- A job is deleted.
--- A job is deleted (removeOne calls unplace first, which may have made it live again).
local function listRemove(prefix, id, queue, state)
  if FINAL[state] then redis.call('ZREM', prefix .. 'lx:s:' .. state, id) end
  redis.call('ZREM', prefix .. 'lx:live', id)
  redis.call('ZREM', prefix .. 'lx:q:' .. queue, id)
  redis.call('ZREM', prefix .. 'lx:t', id)
end
