-- Adds n (negative: takes) to a queue's count of jobs in one state (spool_state_counts,
-- migrations 0017 and 0092): the hot transitions (inserts in a live state, claims, completions)
-- are counted here once per queue and statement instead of by a trigger per row.
-- Params: :queue, :state, :n.
INSERT INTO spool_state_counts (queue, state, n) VALUES (:queue, :state, :n)
  ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n
