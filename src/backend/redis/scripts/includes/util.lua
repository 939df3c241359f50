--- Small helpers every script may use. Inlined once per script by the loader.

--- JSON string literal for `s`; the common case (no quote, backslash or control byte) skips cjson.
local function jstr(s)
  if string.find(s, '[%c"\\]') then return cjson.encode(s) end
  return '"' .. s .. '"'
end

local FINAL = { completed = true, failed = true, cancelled = true }

--- Appends one error record (already JSON) to the job's `errors` array (absent means []).
local function appendError(jobKey, errJson)
  local errs = redis.call('HGET', jobKey, 'errors')
  if errs then
    errs = string.sub(errs, 1, -2) .. ',' .. errJson .. ']'
  else
    errs = '[' .. errJson .. ']'
  end
  redis.call('HSET', jobKey, 'errors', errs)
end

--- Runs `cmd key a1 a2 …` over a long flat argument list in slices under Lua's unpack limit.
local function callMany(cmd, key, args)
  local step = 4000
  for i = 1, #args, step do
    redis.call(cmd, key, unpack(args, i, math.min(i + step - 1, #args)))
  end
end

--- The reply { 0, #done, done ids…, skipped ids… } of the scripts that act on a list of jobs.
local function idsReply(done, skipped)
  local out = { 0, #done }
  for i = 1, #done do out[#out + 1] = done[i] end
  for i = 1, #skipped do out[#out + 1] = skipped[i] end
  return out
end

--- Appends to `into` each of `items` not yet marked in `seen`, and marks it.
local function appendNew(into, seen, items)
  for i = 1, #items do
    local item = items[i]
    if not seen[item] then
      seen[item] = true
      into[#into + 1] = item
    end
  end
end
