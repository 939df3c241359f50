--- Text search: one bounded slice of the id index (<prefix>jobs, lexicographic), from the
--- cursor, keeping the jobs that pass the filters and one of whose fields (id, key, input,
--- result, an error message; lower-cased, ASCII letters only) contains the search. Stops
--- after `limit + 1` matches or `scanMax` ids, so one call holds Redis for a few ms at most;
--- the caller continues from `lastScanned`.
---
--- KEYS[1]  prefix
--- ARGV[1]  order: "asc" | "desc"
--- ARGV[2]  cursor: the id after which to start ("" = from the start)
--- ARGV[3]  limit (page size)
--- ARGV[4]  most ids to examine in this call
--- ARGV[5]  queue ("" = any)         ARGV[6]  states, comma-separated ("" = any)
--- ARGV[7]  task ("" = any)          ARGV[8]  key ("" = any, else "=" .. key)
--- ARGV[9]  createdAfter ("" = none) ARGV[10] createdBefore ("" = none)
--- ARGV[11] search, lower-case
---
--- Returns { 0, exhausted (1 = index fully walked), lastScanned, id1, fields1, id2, … }

local prefix = KEYS[1]
local desc = ARGV[1] == 'desc'
local cursor = ARGV[2]
local limit = tonumber(ARGV[3])
local scanMax = tonumber(ARGV[4])
local queue, task, key = ARGV[5], ARGV[7], ARGV[8]
local after, before = tonumber(ARGV[9]), tonumber(ARGV[10])
local search = ARGV[11]
local states = nil
if ARGV[6] ~= '' then
  states = {}
  for s in string.gmatch(ARGV[6], '[^,]+') do states[s] = true end
end
if key ~= '' then key = string.sub(key, 2) else key = nil end

--- HMGET answers a missing field with false.
local function has(text)
  return text and string.find(string.lower(text), search, 1, true) ~= nil
end

local function errorsMatch(errorsJson)
  if not errorsJson or errorsJson == '[]' then return false end
  local errs = cjson.decode(errorsJson)
  for i = 1, #errs do
    if type(errs[i].message) == 'string' and has(errs[i].message) then return true end
  end
  return false
end

local out = { 0, 0, '' }
local matched = 0
local scanned = 0
local from = cursor
local exhausted = false
local chunk = 100

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
    local f = redis.call('HMGET', prefix .. 'job:' .. id,
      'queue', 'state', 'task', 'key', 'createdAt', 'input', 'result', 'errors')
    local ok = f[1] ~= false and f[1] ~= nil
    if ok and queue ~= '' and f[1] ~= queue then ok = false end
    if ok and states and not states[f[2]] then ok = false end
    if ok and task ~= '' and f[3] ~= task then ok = false end
    if ok and key and f[4] ~= key then ok = false end
    if ok and after and tonumber(f[5]) < after then ok = false end
    if ok and before and tonumber(f[5]) >= before then ok = false end
    if ok then
      ok = has(id) or has(f[4]) or has(f[6]) or has(f[7]) or errorsMatch(f[8])
    end
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
