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

--- Graph members (workflow nodes, spawned children; cap-strategy.ts `decideMember`): a member
--- with a strategy written `queued` is noted with `capNote` while the batch is written; once it
--- is written and wired, `capMembers` decides each noted member in batch order: drop-newest
--- cancels the member itself (its dependents, workflow or spawn parent react as to any cancel),
--- cancel-in-progress the group's oldest live jobs. Members later in the batch do not count.
local function capNote(notes, job, state, index)
  if not job.capStrategy or state ~= 'queued' then return end
  local c = cjson.decode(job.flow).c
  notes[#notes + 1] = { id = job.id, task = job.task, fk = job.flowKey, st = job.capStrategy,
    limit = c[1], keyed = c[2] == 1, index = index }
end

--- `ids`: every id of the batch, in order.
local function capMembers(prefix, notes, ids, now)
  if #notes == 0 then return end
  listFlush(prefix)
  local later = {}
  for i = 1, #ids do later[ids[i]] = true end
  local done = 1
  for _, m in ipairs(notes) do
    for i = done, m.index - 1 do later[ids[i]] = nil end
    done = m.index
    local live = capLive(prefix, m.task, m.fk, m.keyed)
    local present, before = false, {}
    for _, id in ipairs(live) do
      if id == m.id then present = true end
      if not later[id] then before[#before + 1] = id end
    end
    if present then
      local cancel, reason = {}, nil
      if m.st == 'D' then
        if #before >= m.limit then cancel[1] = m.id end
        reason = 'dropped: its cap group was full (concurrency strategy drop-newest)'
      else
        for k = 1, #before - (m.limit - 1) do cancel[#cancel + 1] = before[k] end
        reason = 'superseded by job ' .. m.id .. ' (concurrency strategy cancel-in-progress)'
      end
      local into = {}
      for _, id in ipairs(cancel) do cancelWithChildren(prefix, id, now, reason, into) end
    end
  end
end
