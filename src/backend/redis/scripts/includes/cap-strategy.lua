--- The strategy at the cap inside enqueue.lua: the Lua copy of src/backend/cap-strategy.ts
--- (both must agree; docs/flow-control.md, "Strategy at the cap"). A job's cap group's *live*
--- jobs are its running ones (P frs:<group>, members checked: includes/flow-keys.lua) and its
--- queued ones (P fq:<queue>:<task>␟<key> in every queue of P queues; a task cap reads every
--- key's group of the task), oldest first (createdAt, then id).
--- @include "deps"

--- Ids of the live jobs of the cap group of (task, fk), oldest first. `keyed`: a per-key cap.
local function capLive(prefix, task, fk, keyed)
  local grp = keyed and ('k' .. FLOW_SEP .. task .. FLOW_SEP .. fk) or ('t' .. FLOW_SEP .. task)
  local live = {}
  for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'frs:' .. grp)) do
    if redis.call('HGET', prefix .. 'job:' .. id, 'state') == 'running' then live[#live + 1] = id end
  end
  local head = task .. FLOW_SEP
  for _, queue in ipairs(redis.call('SMEMBERS', prefix .. 'queues')) do
    local groups
    if keyed then
      groups = { head .. fk }
    else
      groups = {}
      for _, g in ipairs(redis.call('SMEMBERS', prefix .. 'fg:' .. queue)) do
        if string.sub(g, 1, #head) == head then groups[#groups + 1] = g end
      end
    end
    for _, g in ipairs(groups) do
      -- Members are "<runAt, 16 digits>:<id>" (includes/place.lua flowMember).
      for _, m in ipairs(redis.call('ZRANGE', prefix .. 'fq:' .. queue .. ':' .. g, 0, -1)) do
        live[#live + 1] = string.sub(m, 18)
      end
    end
  end
  local created = {}
  for i = 1, #live do
    created[live[i]] = tonumber(redis.call('HGET', prefix .. 'job:' .. live[i], 'createdAt') or '0')
  end
  table.sort(live, function(a, b)
    if created[a] ~= created[b] then return created[a] < created[b] end
    return a < b
  end)
  return live
end

--- The verdict for a new job with strategy `st` ('C' cancel-in-progress, 'D' drop-newest) and
--- cap `limit`: true when it is dropped; otherwise cancels the group's oldest live jobs until
--- at most limit - 1 are left (each with its cascade, reason naming `newId`).
local function capApply(prefix, st, limit, task, fk, keyed, newId, now)
  local live = capLive(prefix, task, fk, keyed)
  if st == 'D' then return #live >= limit end
  local excess = #live - (limit - 1)
  if excess <= 0 then return false end
  -- A job cancelled here may be one this script inserted: its list-index adds go first.
  listFlush(prefix)
  local reason = 'superseded by job ' .. newId .. ' (concurrency strategy cancel-in-progress)'
  local into = {}
  for i = 1, excess do cancelWithChildren(prefix, live[i], now, reason, into) end
  return false
end
