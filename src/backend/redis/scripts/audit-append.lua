--- Appends audit entries. An id already stored is left as it is (appends are idempotent).
--- Layout: `audit` (zset, every score 0, so members sort by id: UUIDv7, time order),
--- `audit:at` (zset scored by the entry's time, for pruning), `audit:entries` (hash id → JSON).
---
--- KEYS[1]  prefix
--- ARGV     id, at, entry JSON, repeated per entry
---
--- Returns { 0, appended }.

local prefix = KEYS[1]
local appended = 0
for i = 1, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HSETNX', prefix .. 'audit:entries', id, ARGV[i + 2]) == 1 then
    redis.call('ZADD', prefix .. 'audit', 0, id)
    redis.call('ZADD', prefix .. 'audit:at', ARGV[i + 1], id)
    appended = appended + 1
  end
end
return { 0, appended }
