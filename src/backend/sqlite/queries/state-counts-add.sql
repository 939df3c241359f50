-- Adds n to a queue's count of finished jobs in one state (spool_finished_counts, migration
-- 0017): completions are counted here once per queue and batch instead of by a trigger per row.
-- Params: :queue, :state, :n.
INSERT INTO spool_finished_counts (queue, state, n) VALUES (:queue, :state, :n)
  ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n
