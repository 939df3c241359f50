--- The walk both job reads share (job-list.lua, job-search.lua): a list index
--- (includes/list-index.lua, members ordered by (createdAt, id)) from the cursor, within the
--- created-time range, in slices of at most `chunk` members, keeping the jobs that pass the
--- filters (and `match`); stops after `limit + 1` matches or after `scanMax` members (then the
--- page may be short and the caller continues from `lastScanned`).
---
--- ARGV[1]  order: "asc" | "desc"
--- ARGV[2]  cursor: the member after which to start ("" = from the start)
--- ARGV[3]  limit (page size)
--- ARGV[4]  most members to examine in this call
--- ARGV[5]  queue ("" = any)         ARGV[6]  states, comma-separated ("" = any)
--- ARGV[7]  task ("" = any)          ARGV[8]  key ("" = any, else "=" .. key)
--- ARGV[9]  createdAfter ("" = none) ARGV[10] createdBefore ("" = none)
---
--- Returns { 0, exhausted (1 = the range fully walked), lastScanned, id1, fields1, id2, … }
---
--- The cursor and the time range are both bounds of one ZRANGEBYLEX, so a deep page or an old
--- range costs what the first page does. The walk goes through the index that holds the fewest
--- members between those bounds (ZLEXCOUNT, O(log n)) among those holding every job the filters
--- can keep: every job's, the queue's, the task's, or the union of the states' (each final
--- state has its own, the live states share one). Every job read is still checked against all
--- filters, so an index holding more than it should costs time, never a wrong row.
--- @include "list-index"

--- Before the indexes are built (list-backfill.lua) the walk goes through <prefix>jobs, whose
--- members are bare ids in id order; the time range is then a filter only.
local function walkLegacy(prefix)
  return tonumber(redis.call('GET', prefix .. 'version') or '0') < LIST_LAYOUT
end

--- The job id of a walked member.
local function memberId(m, legacy)
  if legacy then return m end
  return string.sub(m, 14)
end

--- A cursor as a member of the walked index: a bare id (a cursor handed out before the
--- indexes were ordered by time) becomes its job's member; its job gone, the time its
--- UUIDv7 id carries stands in for createdAt.
local function cursorMember(prefix, cursor, legacy)
  if cursor == '' then return cursor end
  if legacy then
    if #cursor > 36 then return string.sub(cursor, 14) end
    return cursor
  end
  if #cursor == 36 and string.sub(cursor, 9, 9) == '-' then
    local createdAt = redis.call('HGET', prefix .. 'job:' .. cursor, 'createdAt')
    if not createdAt then
      createdAt = tonumber(string.sub(cursor, 1, 8) .. string.sub(cursor, 10, 13), 16)
    end
    return listMember(createdAt, cursor)
  end
  return cursor
end

--- Members created before `t` sort below this (createdAt is whole ms: T < t iff T < ceil(t)).
local function timePrefix(t)
  return string.format('%013d', math.ceil(t))
end

--- Members' times have 13 digits: a bound beyond them is no bound (before) or an empty range.
local TIME_MAX = 9999999999999

--- The lex bounds { lo, hi } of the walk: the time range, narrowed by the cursor.
local function walkBounds(after, before, from, desc, legacy)
  local lo, hi = '-', '+'
  if not legacy then
    if after and after > TIME_MAX then return '+', '+' end
    if after and after > 0 then lo = '[' .. timePrefix(after) end
    if before and before <= TIME_MAX then
      if before <= 0 then return '+', '+' end
      hi = '(' .. timePrefix(before)
    end
  end
  if from ~= '' then
    if desc then
      if hi == '+' or from < string.sub(hi, 2) then hi = '(' .. from end
    elseif lo == '-' or from >= string.sub(lo, 2) then
      lo = '(' .. from
    end
  end
  return lo, hi
end

--- The index keys to walk (their union): the fewest members between `lo` and `hi`.
local function walkSources(prefix, queue, states, task, lo, hi, legacy)
  if legacy then return { prefix .. 'jobs' } end
  local best = { prefix .. 'lt:all' }
  local bestSize = redis.call('ZLEXCOUNT', best[1], lo, hi)
  local function consider(keys)
    local n = 0
    for i = 1, #keys do
      n = n + redis.call('ZLEXCOUNT', keys[i], lo, hi)
      if n >= bestSize then return end
    end
    best, bestSize = keys, n
  end
  if queue ~= '' then consider({ prefix .. 'lt:q:' .. queue }) end
  if task ~= '' then consider({ prefix .. 'lt:k:' .. task }) end
  if states then
    local keys, live = {}, false
    for s in pairs(states) do
      if FINAL[s] then
        keys[#keys + 1] = prefix .. 'lt:s:' .. s
      elseif not live then
        live = true
        keys[#keys + 1] = prefix .. 'lt:live'
      end
    end
    consider(keys)
  end
  return best
end

--- The first `n` members between `lo` and `hi` in the union of `sources`, in walk order,
--- without repeats (each source's first `n` hold the union's).
local function nextMembers(sources, n, desc, lo, hi)
  local function slice(key)
    if desc then return redis.call('ZREVRANGEBYLEX', key, hi, lo, 'LIMIT', 0, n) end
    return redis.call('ZRANGEBYLEX', key, lo, hi, 'LIMIT', 0, n)
  end
  if #sources == 1 then return slice(sources[1]) end
  local merged, seen = {}, {}
  for i = 1, #sources do appendNew(merged, seen, slice(sources[i])) end
  if desc then
    table.sort(merged, function(a, b) return a > b end)
  else
    table.sort(merged)
  end
  local out = {}
  for i = 1, math.min(n, #merged) do out[i] = merged[i] end
  return out
end

--- `extra` names fields read after queue, state, task, key, createdAt (so f[6]…) for
--- `match(id, f)`; with `match` nil every job that passes the filters is kept.
local function walkJobs(prefix, chunk, extra, match)
  local desc = ARGV[1] == 'desc'
  local limit = tonumber(ARGV[3])
  local scanMax = tonumber(ARGV[4])
  local queue, task, key = ARGV[5], ARGV[7], ARGV[8]
  local after, before = tonumber(ARGV[9]), tonumber(ARGV[10])
  local states = nil
  if ARGV[6] ~= '' then
    states = {}
    for s in string.gmatch(ARGV[6], '[^,]+') do states[s] = true end
  end
  if key ~= '' then key = string.sub(key, 2) else key = nil end
  local fields = { 'queue', 'state', 'task', 'key', 'createdAt' }
  for i = 1, #extra do fields[#fields + 1] = extra[i] end

  local legacy = walkLegacy(prefix)
  local from = cursorMember(prefix, ARGV[2], legacy)
  local lo, hi = walkBounds(after, before, from, desc, legacy)
  local sources = walkSources(prefix, queue, states, task, lo, hi, legacy)
  local out = { 0, 0, '' }
  local matched = 0
  local scanned = 0
  local exhausted = false

  while matched <= limit and scanned < scanMax do
    local n = math.min(chunk, scanMax - scanned)
    local members = nextMembers(sources, n, desc, lo, hi)
    for i = 1, #members do
      from = members[i]
      local id = memberId(from, legacy)
      scanned = scanned + 1
      local f = redis.call('HMGET', prefix .. 'job:' .. id, unpack(fields))
      -- HMGET answers a missing field (or job) with false.
      local ok = f[1] ~= false and f[1] ~= nil
      if ok and queue ~= '' and f[1] ~= queue then ok = false end
      if ok and states and not states[f[2]] then ok = false end
      if ok and task ~= '' and f[3] ~= task then ok = false end
      if ok and key and f[4] ~= key then ok = false end
      if ok and after and tonumber(f[5]) < after then ok = false end
      if ok and before and tonumber(f[5]) >= before then ok = false end
      if ok and match then ok = match(id, f) end
      if ok then
        matched = matched + 1
        out[#out + 1] = id
        out[#out + 1] = redis.call('HGETALL', prefix .. 'job:' .. id)
        if matched > limit then break end
      end
    end
    if #members < n and matched <= limit then
      exhausted = true
      break
    end
    -- The next slice starts after the last member examined (inside the bounds, so tighter).
    if desc then hi = '(' .. from else lo = '(' .. from end
  end

  if exhausted then out[2] = 1 end
  out[3] = from
  return out
end
