-- created_at of the oldest queued job per queue.
-- INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
-- for `state = '...'` and reads every matching row; the partial index answers from the index alone
-- (test/backend/sqlite-queue-counts-plan.test.ts).
-- Params: none.
-- Returns: queue, oldest.
SELECT queue, min(created_at) AS oldest FROM spool_jobs INDEXED BY spool_jobs_ready WHERE state = 'queued' GROUP BY queue
