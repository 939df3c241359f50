-- Folds the per-queue state-count deltas (migrations 0063, 0091) into one row per queue and
-- state, so queueList sums a few rows. Rows appended while this runs are not in its snapshot and
-- stay; two folds at once cannot count a row twice (the second waits on the first's deletes,
-- then skips the rows they removed).
-- Params: none.
WITH gone AS (DELETE FROM spool.state_counts RETURNING queue, state, n)
INSERT INTO spool.state_counts (queue, state, n)
  SELECT queue, state, sum(n) FROM gone GROUP BY queue, state HAVING sum(n) <> 0
