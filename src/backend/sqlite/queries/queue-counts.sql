-- Jobs per queue and state. The active states are counted from their partial indexes (small,
-- covering); the finished states are read from spool_finished_counts (kept by triggers,
-- migration 0017), so the answer does not grow with the finished jobs retained.
-- INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
-- for `state = '...'` and reads every matching row; the partial index answers from the index alone
-- (test/backend/sqlite-queue-counts-plan.test.ts).
-- Params: none.
-- Returns: queue, state, n.
SELECT queue, 'queued' AS state, count(*) AS n FROM spool_jobs INDEXED BY spool_jobs_ready WHERE state = 'queued' GROUP BY queue
UNION ALL
SELECT queue, 'scheduled', count(*) FROM spool_jobs INDEXED BY spool_jobs_due WHERE state = 'scheduled' GROUP BY queue
UNION ALL
SELECT queue, 'running', count(*) FROM spool_jobs INDEXED BY spool_jobs_leases WHERE state = 'running' GROUP BY queue
UNION ALL
SELECT queue, 'waiting', count(*) FROM spool_jobs INDEXED BY spool_jobs_waiting WHERE state = 'waiting' GROUP BY queue
UNION ALL
SELECT queue, state, n FROM spool_finished_counts WHERE n > 0
