--- One page of jobs in id order, filtered. Walks the id index (<prefix>jobs, lexicographic)
--- from the cursor and checks each job's fields; stops after `limit + 1` matches or after
--- `scanMax` ids (then the page may be short and the caller continues from `lastScanned`).
---
--- KEYS[1]  prefix
--- ARGV[1]  order: "asc" | "desc"
--- ARGV[2]  cursor: the id after which to start ("" = from the start)
--- ARGV[3]  limit (page size)
--- ARGV[4]  most ids to examine in this call
--- ARGV[5]  queue ("" = any)         ARGV[6]  states, comma-separated ("" = any)
--- ARGV[7]  task ("" = any)          ARGV[8]  key ("" = any, else "=" .. key)
--- ARGV[9]  createdAfter ("" = none) ARGV[10] createdBefore ("" = none)
--- ARGV[11] search, lower-case ("" = none): substring of id, key or the last error message
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

local out = { 0, 0, '' }
local matched = 0
local scanned = 0
local from = cursor
local exhausted = false
local chunk = 200

while matched <= limit and scanned < scanMax do
  local ids
  if desc then
    local hi = '+'
    if from ~= '' then hi = '(' .. from end
    ids = redis.call('ZREVRANGEBYLEX', prefix .. 'jobs', hi, '-', 'LIMIT', 0, chunk)
  else
    local lo = '-'
    if from ~= '' then lo = '(' .. from end
    ids = redis.call('ZRANGEBYLEX', prefix .. 'jobs', lo, '+', 'LIMIT', 0, chunk)
  end
  if #ids == 0 then
    exhausted = true
    break
  end
  for i = 1, #ids do
    local id = ids[i]
    from = id
    scanned = scanned + 1
    local f = redis.call('HMGET', prefix .. 'job:' .. id, 'queue', 'state', 'task', 'key', 'createdAt', 'errors')
    local ok = f[1] ~= nil
    if ok and queue ~= '' and f[1] ~= queue then ok = false end
    if ok and states and not states[f[2]] then ok = false end
    if ok and task ~= '' and f[3] ~= task then ok = false end
    if ok and key and f[4] ~= key then ok = false end
    if ok and after and tonumber(f[5]) < after then ok = false end
    if ok and before and tonumber(f[5]) >= before then ok = false end
    if ok and search ~= '' then
      local last = ''
      if f[6] then
        local errs = cjson.decode(f[6])
        if #errs > 0 and type(errs[#errs].message) == 'string' then last = errs[#errs].message end
      end
      local hay = string.lower(id .. '\n' .. (f[4] or '') .. '\n' .. last)
      ok = string.find(hay, search, 1, true) ~= nil
    end
    if ok then
      matched = matched + 1
      out[#out + 1] = id
      out[#out + 1] = redis.call('HGETALL', prefix .. 'job:' .. id)
      if matched > limit then break end
    end
    if scanned >= scanMax then break end
  end
  if #ids < chunk and matched <= limit and scanned < scanMax then
    exhausted = true
    break
  end
end

if exhausted then out[2] = 1 end
out[3] = from
return out
