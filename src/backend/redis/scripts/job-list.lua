--- One page of jobs in id order, filtered: the walk of includes/job-walk.lua (its header lists
--- the arguments and the reply). Text searches go through job-search.lua.
---
--- KEYS[1]  prefix
--- ARGV[1…10] see includes/job-walk.lua
--- @include "job-walk"

return walkJobs(KEYS[1], 200, {}, nil)
