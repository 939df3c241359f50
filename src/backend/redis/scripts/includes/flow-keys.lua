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
---   P fcur          hash    queue -> the group its last fair claim served ('' : the jobs
---                           without limits): where the next claim's ring starts
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

--- Whether string a sorts before b byte by byte (Lua's `<` follows the server's locale).
local function fgBytesLess(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

--- Ring order of groups: the jobs without limits ('') first, then by task, then by limit key.
local function fgRingLess(a, b)
  if a.task ~= b.task then
    if a.task == '' then return true end
    if b.task == '' then return false end
    return fgBytesLess(a.task, b.task)
  end
  return fgBytesLess(a.key, b.key)
end

--- The fair claim of one queue (docs/flow-control.md, "Fairness between keys"; the same rule as
--- the SQLite and PostgreSQL flow-ring): groups take turns in a ring, the jobs without limits
--- first, then the groups of P fg:<queue> by (task, key), starting after the group the queue's
--- previous fair claim served last (P fcur, hash queue -> group name, '' for the jobs without
--- limits). Round by round, each group gives its next job the limits allow; a group whose next
--- job a limit stops is skipped for the rest of the claim. `lease(key, id, h)` starts one
--- (returns its attempt or false). At most max(1000, 20 × want) candidates are looked at.
--- Returns how many it took.
local function fgClaim(prefix, queue, want, tasks, nowN, lease, ids, attempts)
  local fgKey = prefix .. 'fg:' .. queue
  local ring = {}
  for _, g in ipairs(redis.call('SMEMBERS', fgKey)) do
    local at = string.find(g, FLOW_SEP, 1, true)
    ring[#ring + 1] = { name = g, task = string.sub(g, 1, at - 1), key = string.sub(g, at + 1), zk = prefix .. 'fq:' .. queue .. ':' .. g }
  end
  -- The jobs without limits: one group over the queue's priorities (highest first); `skip`
  -- counts entries passed over and left in place in the current priority's set.
  local plain = { name = '', task = '', key = '', plain = true, prios = redis.call('ZREVRANGE', prefix .. 'prio:' .. queue, 0, -1), pi = 1, skip = 0 }
  ring[#ring + 1] = plain
  table.sort(ring, fgRingLess)
  local first = 1
  local cur = redis.call('HGET', prefix .. 'fcur', queue)
  if cur then
    local at = string.find(cur, FLOW_SEP, 1, true)
    local pos = cur == '' and plain or { task = string.sub(cur, 1, at - 1), key = string.sub(cur, at + 1) }
    first = #ring + 1
    for i = 1, #ring do
      if fgRingLess(pos, ring[i]) then
        first = i
        break
      end
    end
  end
  local order = {}
  for i = 0, #ring - 1 do order[#order + 1] = ring[((first - 1 + i) % #ring) + 1] end

  local budget = math.max(1000, 20 * want)
  local taken = 0
  local lastTaken, lastSeen = nil, nil

  --- The group's next entry: its id, member, sorted set and priority (plain), or nil when empty.
  local function head(g)
    if g.plain then
      while g.pi <= #g.prios do
        local rk = prefix .. 'ready:' .. queue .. ':' .. g.prios[g.pi]
        local r = redis.call('ZRANGE', rk, g.skip, g.skip)
        if #r > 0 then return r[1], r[1], rk, g.prios[g.pi] end
        g.pi = g.pi + 1
        g.skip = 0
      end
      return nil
    end
    local r = redis.call('ZRANGE', g.zk, 0, 0)
    if #r == 0 then
      redis.call('SREM', fgKey, g.name)
      return nil
    end
    return string.sub(r[1], 18), r[1], g.zk, nil
  end

  --- Gives group g its turn: takes its next job the limits allow, if any.
  local function turn(g)
    lastSeen = g
    while true do
      if budget <= 0 then return false end
      budget = budget - 1
      local id, m, zk, prio = head(g)
      if not id then
        g.done = true
        return false
      end
      local key = prefix .. 'job:' .. id
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
      if state ~= 'queued' or (not g.plain and fm ~= m) then
        -- A stale entry (the job moved on, or was placed again under another member).
        if g.plain then g.skip = g.skip + 1 else redis.call('ZREM', zk, m) end
      elseif not g.plain and tasks and not tasks[task] then
        g.done = true
        return false
      elseif g.plain and tasks and not tasks[task] then
        g.skip = g.skip + 1
      else
        local ok, capGroup = fgAdmit(prefix, task, fk, fl, nowN)
        if ok then
          redis.call('ZREM', zk, m)
          if g.plain then dropPriorityIfEmpty(prefix, queue, prio) end
          local attempt = lease(key, id, h)
          if attempt then
            if capGroup then redis.call('SADD', prefix .. 'frs:' .. capGroup, id) end
            taken = taken + 1
            ids[taken] = id
            attempts[taken] = attempt
            lastTaken = g
            return true
          end
        elseif g.plain then
          -- Jobs without limits mix tasks: a held task's job is stepped over.
          g.skip = g.skip + 1
        else
          -- A group's jobs share task and key: once one is stopped, the rest of the group is too.
          g.done = true
          return false
        end
      end
    end
  end

  -- Rounds: each live group's turn, in ring order, until the claim is full or nothing moves.
  while taken < want and budget > 0 do
    local took = false
    for _, g in ipairs(order) do
      if taken >= want or budget <= 0 then break end
      if not g.done and turn(g) then took = true end
    end
    if not took then break end
  end
  -- The next claim starts after the last group served, or, when this one ran out of budget
  -- stepping over stopped groups, after the last one it looked at (so it moves on).
  local last = lastTaken
  if budget <= 0 then last = lastSeen end
  if last then redis.call('HSET', prefix .. 'fcur', queue, last.name) end
  for g in pairs(fgMoved) do
    redis.call('HSET', prefix .. 'ftat', g, string.format('%.17g', fgTat[g]))
    fgMoved[g] = nil
  end
  return taken
end
