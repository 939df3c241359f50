-- Queued jobs with limits per queue, task, limit key and limits (flow-waiting.ts).
-- INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
-- for `state = '...'` and reads every matching row; the partial index answers from the index alone
-- (test/backend/sqlite-queue-counts-plan.test.ts).
-- Params: none.
-- Returns: queue, task, flow_key, flow, n.
SELECT queue, task, flow_key, flow, count(*) AS n FROM spool_jobs INDEXED BY spool_jobs_flow_groups
WHERE state = 'queued' AND flow_key IS NOT NULL
GROUP BY queue, task, flow_key, flow
