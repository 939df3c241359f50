--- A page of audit entries, newest first (by id), before the cursor id.
---
--- KEYS[1]  prefix
--- ARGV[1]  cursor id, or "" for the first page
--- ARGV[2]  limit + 1 (one more than the page, to know whether another page follows)
---
--- Returns { 0, entry JSON… }.

local prefix = KEYS[1]
local max = '+'
if ARGV[1] ~= '' then max = '(' .. ARGV[1] end
local ids = redis.call('ZREVRANGEBYLEX', prefix .. 'audit', max, '-', 'LIMIT', 0, tonumber(ARGV[2]))
local out = { 0 }
if #ids == 0 then return out end
local entries = redis.call('HMGET', prefix .. 'audit:entries', unpack(ids))
for i = 1, #entries do
  if entries[i] then out[#out + 1] = entries[i] end
end
return out
