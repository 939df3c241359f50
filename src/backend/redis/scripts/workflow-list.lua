--- A page of workflow ids by id order (creation order).
---
--- KEYS[1]  prefix
--- ARGV[1]  "asc" or "desc"
--- ARGV[2]  cursor id ("" = from the start)
--- ARGV[3]  how many ids
---
--- Returns { 0, id1, id2, … }

local prefix = KEYS[1]
local key = prefix .. 'workflows'
local after = ARGV[2]
local limit = tonumber(ARGV[3])
local ids
if ARGV[1] == 'asc' then
  local from = '-'
  if after ~= '' then from = '(' .. after end
  ids = redis.call('ZRANGEBYLEX', key, from, '+', 'LIMIT', 0, limit)
else
  local from = '+'
  if after ~= '' then from = '(' .. after end
  ids = redis.call('ZREVRANGEBYLEX', key, from, '-', 'LIMIT', 0, limit)
end
local out = { 0 }
for i = 1, #ids do out[#out + 1] = ids[i] end
return out
