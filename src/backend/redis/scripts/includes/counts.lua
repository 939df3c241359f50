--- Per-queue state counters (<prefix>counts:<queue>, a hash state -> n), so queueList never
--- scans jobs. Deltas are summed in Lua and written once per (queue, state) per script.

local counts = {}

local function count(queue, state, delta)
  local q = counts[queue]
  if not q then
    q = {}
    counts[queue] = q
  end
  q[state] = (q[state] or 0) + delta
end

local function flushCounts(prefix)
  for queue, states in pairs(counts) do
    local key = prefix .. 'counts:' .. queue
    for state, n in pairs(states) do
      if n ~= 0 then redis.call('HINCRBY', key, state, n) end
    end
  end
end
