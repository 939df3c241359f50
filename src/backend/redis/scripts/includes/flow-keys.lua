--- Per-task and per-key limits inside a claim: the Lua copy of src/backend/flow-gate.ts (both
--- must agree), and the fair claim of a queue whose jobs have limits.
---
---   job fields fk (limit key; absent: no limits), fl (limits JSON {"c":[limit,keyed],
---             "r":[limit,perMs,burst,keyed]}), fm (member in its group's set, place.lua)
---   P fq:<queue>:<task>␟<key>, P fg:<queue>   queued jobs with limits by group (place.lua)
---   P frs:<group>   set     jobs claimed in a cap group (t␟task or k␟task␟key); members no
---                           longer running are dropped when counted, so no other script
---                           needs to know about it
---   P ftat          hash    group -> GCRA tat of its rate limit
---   P hold:<group>  string  a task or key hold (queue-hold.lua), also in P fholds (ZSET
---                           until -> name) so a claim sees at once whether any is on
--- @include "flow"
--- @include "place"

local fgRunning, fgTat, fgHold, fgMoved, fgLimits = {}, {}, {}, {}, {}

local function fgHeld(prefix, name, nowN)
  local u = fgHold[name]
  if u == nil then
    u = tonumber(redis.call('GET', prefix .. 'hold:' .. name) or '0')
    fgHold[name] = u
  end
  if u > nowN then
    flowLimited = true
    if flowRetryAt == nil or u < flowRetryAt then flowRetryAt = u end
    return true
  end
  return false
end

--- Jobs running now in a cap group (stale members dropped), cached for the script.
local function fgCount(prefix, grp)
  local n = fgRunning[grp]
  if n then return n end
  n = 0
  local setKey = prefix .. 'frs:' .. grp
  local members = redis.call('SMEMBERS', setKey)
  for i = 1, #members do
    if redis.call('HGET', prefix .. 'job:' .. members[i], 'state') == 'running' then
      n = n + 1
    else
      redis.call('SREM', setKey, members[i])
    end
  end
  fgRunning[grp] = n
  return n
end

--- Whether a job of `task` with limit key `fk` (nil: no limits) and limits JSON `fl` may start
--- now; if so it is counted, and the cap group to record it in is returned second.
local function fgAdmit(prefix, task, fk, fl, nowN)
  if fgHeld(prefix, 't' .. FLOW_SEP .. task, nowN) then return false end
  if not fk then return true end
  local keyGroup = 'k' .. FLOW_SEP .. task .. FLOW_SEP .. fk
  if fk ~= '' and fgHeld(prefix, keyGroup, nowN) then return false end
  local f = fgLimits[fl]
  if not f then
    f = cjson.decode(fl)
    fgLimits[fl] = f
  end
  local capGroup = nil
  if f.c then
    capGroup = (f.c[2] == 1) and keyGroup or ('t' .. FLOW_SEP .. task)
    if fgCount(prefix, capGroup) >= f.c[1] then
      flowLimited = true
      return false
    end
  end
  if f.r then
    local g = (f.r[4] == 1) and keyGroup or ('t' .. FLOW_SEP .. task)
    local tat = fgTat[g]
    if tat == nil then
      tat = tonumber(redis.call('HGET', prefix .. 'ftat', g) or '-1')
      fgTat[g] = tat
    end
    local t = f.r[2] / f.r[1]
    local tau = f.r[3] * t
    local start = nowN
    if tat >= 0 and tat > nowN then start = tat end
    if math.floor((nowN + tau - start) / t + FLOW_EPSILON) + 1 < 1 then
      local at = math.ceil(start - tau - FLOW_EPSILON)
      if at < nowN then at = nowN end
      if flowRetryAt == nil or at < flowRetryAt then flowRetryAt = at end
      flowLimited = true
      return false
    end
    fgTat[g] = start + t
    fgMoved[g] = true
  end
  if capGroup then fgRunning[capGroup] = fgRunning[capGroup] + 1 end
  return true, capGroup
end

--- Whether `queue`'s claim must take the fair path: it has groups of jobs with limits, or a
--- task or key hold is on.
local function fgPending(prefix, queue, now)
  if redis.call('SCARD', prefix .. 'fg:' .. queue) > 0 then return true end
  return #redis.call('ZRANGEBYSCORE', prefix .. 'fholds', '(' .. now, '+inf', 'LIMIT', 0, 1) > 0
end

local function fgBefore(a, b)
  if a.rn ~= b.rn then return a.rn < b.rn end
  if a.p ~= b.p then return a.p < b.p end
  return a.m < b.m
end

--- The fair claim of one queue: candidates dealt into rounds (a group's n-th job in round n;
--- jobs without limits form one group), rounds in turn, each in claim order (priority, runAt,
--- id); `lease(key, id, h)` starts one (returns its attempt or false). A group whose next
--- job a limit stops is skipped for the rest of the claim. Returns how many it took.
local function fgClaim(prefix, queue, want, tasks, nowN, lease, ids, attempts)
  local cands = {}
  local fgKey = prefix .. 'fg:' .. queue
  for _, g in ipairs(redis.call('SMEMBERS', fgKey)) do
    local zk = prefix .. 'fq:' .. queue .. ':' .. g
    local r = redis.call('ZRANGE', zk, 0, want - 1, 'WITHSCORES')
    if #r == 0 then
      redis.call('SREM', fgKey, g)
    else
      for i = 1, #r, 2 do
        local m = r[i]
        cands[#cands + 1] = { rn = (i + 1) / 2, p = tonumber(r[i + 1]), m = m, id = string.sub(m, 18), g = g, zk = zk }
      end
    end
  end
  local k = 0
  for _, prio in ipairs(redis.call('ZREVRANGE', prefix .. 'prio:' .. queue, 0, -1)) do
    if k >= want then break end
    local rk = prefix .. 'ready:' .. queue .. ':' .. prio
    local r = redis.call('ZRANGE', rk, 0, want - k - 1, 'WITHSCORES')
    for i = 1, #r, 2 do
      k = k + 1
      cands[#cands + 1] = { rn = k, p = -tonumber(prio), m = flowMember(r[i + 1], r[i]), id = r[i], g = false, zk = rk, prio = prio }
    end
  end
  table.sort(cands, fgBefore)
  local taken = 0
  local blocked = {}
  for _, c in ipairs(cands) do
    if taken >= want then break end
    if not (c.g and blocked[c.g]) then
      local key = prefix .. 'job:' .. c.id
      local h = redis.call('HGETALL', key)
      local state, task, fk, fl, fm = nil, nil, nil, nil, nil
      for j = 1, #h, 2 do
        local field = h[j]
        if field == 'state' then state = h[j + 1]
        elseif field == 'task' then task = h[j + 1]
        elseif field == 'fk' then fk = h[j + 1]
        elseif field == 'fl' then fl = h[j + 1]
        elseif field == 'fm' then fm = h[j + 1] end
      end
      if state ~= 'queued' or (c.g and fm ~= c.m) then
        -- A stale entry (the job moved on, or was placed again under another member).
        if c.g then redis.call('ZREM', c.zk, c.m) end
      elseif tasks and not tasks[task] then
        if c.g then blocked[c.g] = true end
      else
        local ok, capGroup = fgAdmit(prefix, task, fk, fl, nowN)
        if ok then
          if c.g then
            redis.call('ZREM', c.zk, c.m)
          else
            redis.call('ZREM', c.zk, c.id)
            dropPriorityIfEmpty(prefix, queue, c.prio)
          end
          local attempt = lease(key, c.id, h)
          if attempt then
            if capGroup then redis.call('SADD', prefix .. 'frs:' .. capGroup, c.id) end
            taken = taken + 1
            ids[taken] = c.id
            attempts[taken] = attempt
          end
        elseif c.g then
          blocked[c.g] = true
        end
      end
    end
  end
  for g in pairs(fgMoved) do
    redis.call('HSET', prefix .. 'ftat', g, string.format('%.17g', fgTat[g]))
    fgMoved[g] = nil
  end
  return taken
end
