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

  local out = { 0, 0, '' }
  local matched = 0
  local scanned = 0
  local from = ARGV[2]
  local exhausted = false

  while matched <= limit and scanned < scanMax do
    local n = math.min(chunk, scanMax - scanned)
    local ids
    if desc then
      local hi = '+'
      if from ~= '' then hi = '(' .. from end
      ids = redis.call('ZREVRANGEBYLEX', prefix .. 'jobs', hi, '-', 'LIMIT', 0, n)
    else
      local lo = '-'
      if from ~= '' then lo = '(' .. from end
      ids = redis.call('ZRANGEBYLEX', prefix .. 'jobs', lo, '+', 'LIMIT', 0, n)
    end
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
