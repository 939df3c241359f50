--- The walk both job reads share (job-list.lua, job-search.lua): the id index (<prefix>jobs,
--- lexicographic) from the cursor, in slices of at most `chunk` ids, keeping the jobs that pass
--- the filters (and `match`); stops after `limit + 1` matches or after `scanMax` ids (then the
--- page may be short and the caller continues from `lastScanned`).
---
--- ARGV[1]  order: "asc" | "desc"
--- ARGV[2]  cursor: the id after which to start ("" = from the start)
--- ARGV[3]  limit (page size)
--- ARGV[4]  most ids to examine in this call
--- ARGV[5]  queue ("" = any)         ARGV[6]  states, comma-separated ("" = any)
--- ARGV[7]  task ("" = any)          ARGV[8]  key ("" = any, else "=" .. key)
--- ARGV[9]  createdAfter ("" = none) ARGV[10] createdBefore ("" = none)
---
--- Returns { 0, exhausted (1 = index fully walked), lastScanned, id1, fields1, id2, … }
---
--- The walk goes through the smallest id-ordered index that holds every job the filters can
--- keep (includes/list-index.lua): the queue's, or the union of the states' (each final state
--- has its own, the live states share one), else every job's. Every job read is still checked
--- against all filters, so an index holding more than it should costs time, never a wrong row.
--- @include "list-index"

--- The index keys to walk (their union), chosen by size; <prefix>jobs before the store's
--- indexes are built (list-backfill.lua).
local function walkSources(prefix, queue, states)
  local all = prefix .. 'jobs'
  if tonumber(redis.call('GET', prefix .. 'version') or '0') < LIST_LAYOUT then return { all } end
  local best, bestSize = { all }, redis.call('ZCARD', all)
  if queue ~= '' then
    local k = prefix .. 'lx:q:' .. queue
    local n = redis.call('ZCARD', k)
    if n < bestSize then best, bestSize = { k }, n end
  end
  if states then
    local keys, n, live = {}, 0, false
    for s in pairs(states) do
      local k
      if FINAL[s] then
        k = prefix .. 'lx:s:' .. s
      elseif not live then
        live = true
        k = prefix .. 'lx:live'
      end
      if k then
        keys[#keys + 1] = k
        n = n + redis.call('ZCARD', k)
      end
    end
    if n < bestSize then best, bestSize = keys, n end
  end
  return best
end

--- Most jobs in a created-time range read from <prefix>lx:t to bound the walk (about 2 ms).
local TIME_SCAN_MAX = 10000

--- For a created-time range: the smallest and largest id of the jobs created in it, so the
--- walk covers only ids between them (ids follow creation closely, so nearly every id there
--- is in the range). Returns nil (no bound: no range, indexes not built, or the range holds
--- more than TIME_SCAN_MAX jobs, a large share of the store that the plain walk finds
--- quickly), or false when no job was created in the range.
local function timeBounds(prefix, after, before)
  if not after and not before then return nil end
  if tonumber(redis.call('GET', prefix .. 'version') or '0') < LIST_LAYOUT then return nil end
  local key = prefix .. 'lx:t'
  local lo, hi = '-inf', '+inf'
  if after then lo = after end
  if before then hi = '(' .. before end
  local n = redis.call('ZCOUNT', key, lo, hi)
  if n == 0 then return false end
  if n > TIME_SCAN_MAX then return nil end
  local ids = redis.call('ZRANGEBYSCORE', key, lo, hi)
  local minId, maxId = ids[1], ids[1]
  for i = 2, #ids do
    if ids[i] < minId then minId = ids[i] end
    if ids[i] > maxId then maxId = ids[i] end
  end
  return { minId, maxId }
end

--- The next `n` ids after `from` in the union of `sources`, in walk order, without repeats
--- (each source's next `n` hold the union's), within `bounds` ({ min id, max id } or nil).
local function nextIds(sources, from, n, desc, bounds)
  local function slice(key)
    if desc then
      local hi, lo = '+', '-'
      if bounds then hi, lo = '[' .. bounds[2], '[' .. bounds[1] end
      if from ~= '' and (not bounds or from <= bounds[2]) then hi = '(' .. from end
      return redis.call('ZREVRANGEBYLEX', key, hi, lo, 'LIMIT', 0, n)
    end
    local lo, hi = '-', '+'
    if bounds then lo, hi = '[' .. bounds[1], '[' .. bounds[2] end
    if from ~= '' and (not bounds or from >= bounds[1]) then lo = '(' .. from end
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

  local sources = walkSources(prefix, queue, states)
  local bounds = timeBounds(prefix, after, before)
  if bounds == false then return { 0, 1, ARGV[2] } end
  local out = { 0, 0, '' }
  local matched = 0
  local scanned = 0
  local from = ARGV[2]
  local exhausted = false

  while matched <= limit and scanned < scanMax do
    local n = math.min(chunk, scanMax - scanned)
    local ids = nextIds(sources, from, n, desc, bounds)
    for i = 1, #ids do
      local id = ids[i]
      from = id
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
    if #ids < n and matched <= limit then
      exhausted = true
      break
    end
  end

  if exhausted then out[2] = 1 end
  out[3] = from
  return out
end
