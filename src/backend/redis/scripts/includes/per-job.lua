--- The frame of the per-job transition scripts (release, backoff, retry, job-promote,
--- job-update): visit each job's group of arguments, sort the ids into applied and refused,
--- end the transition (publish the events, offer queued jobs to parked workers), and reply
--- { 0, okCount, ok ids…, refused ids… }.
--- @include "events"
--- @include "place"
--- @include "push"

--- Calls `apply(i, id, key)` for each job's group of `step` arguments, from ARGV[first]: ARGV[i]
--- is the job id, `key` its hash; `apply` returns true when it applied the transition, false
--- when it refused.
local function perJob(prefix, now, first, step, apply)
  local ok, refused = {}, {}
  for i = first, #ARGV, step do
    local id = ARGV[i]
    if apply(i, id, prefix .. 'job:' .. id) then
      ok[#ok + 1] = id
    else
      refused[#refused + 1] = id
    end
  end
  endTransition(prefix, now)
  local out = { 0, #ok }
  for i = 1, #ok do out[#out + 1] = ok[i] end
  for i = 1, #refused do out[#out + 1] = refused[i] end
  return out
end
