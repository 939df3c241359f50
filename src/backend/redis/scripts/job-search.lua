--- Text search: one bounded slice of the id index, keeping the jobs that pass the filters and
--- one of whose fields (id, key, input, result, an error message; lower-cased, ASCII letters
--- only) contains the search. The walk is includes/job-walk.lua's (its header lists the
--- arguments and the reply), in slices of 100 ids and at most `scanMax` per call, so one call
--- holds Redis for a few ms at most; the caller continues from `lastScanned`.
---
--- KEYS[1]  prefix
--- ARGV[1…10] see includes/job-walk.lua
--- ARGV[11] search, lower-case
--- @include "job-walk"

local search = ARGV[11]

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

return walkJobs(KEYS[1], 100, { 'input', 'result', 'errors' }, function(id, f)
  return has(id) or has(f[4]) or has(f[6]) or has(f[7]) or errorsMatch(f[8])
end)
