--- Cancels jobs in any non-final state (running ones lose their lease), cascading to every
--- not-yet-final, not-running dependent, and from a spawn waiter to its unfinished children.
---
--- KEYS[1]  prefix
--- ARGV[1]  now
--- ARGV[2]  reason
--- ARGV[3…] job ids
---
--- Returns { 0, cancelledCount, cancelled ids… (incl. cascaded), skipped ids… }
--- Publishes job:cancelled for each.
--- @include "deps"

local prefix = KEYS[1]
local now = ARGV[1]
local reason = ARGV[2]
local cancelled, skipped = {}, {}

for i = 3, #ARGV do
  local id = ARGV[i]
  if not cancelWithChildren(prefix, id, now, reason, cancelled) then skipped[#skipped + 1] = id end
end

flushCounts(prefix)
publish(prefix)
return idsReply(cancelled, skipped)
