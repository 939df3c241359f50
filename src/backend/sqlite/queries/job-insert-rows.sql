-- Inserts new jobs, one row each, from rows made by `jobRow` (rows.ts: the one encoder of a
-- new job): enqueue (one job or a bulk batch), workflows and schedule fires all use it. A
-- duplicate id violates the primary key and aborts the statement. A job inserted `cancelled`
-- (a dependency had already failed) is finished at :now.
-- Params: :now, :workflow_id (NULL outside workflows), :jobs (JSON array of rows [id, task,
--   queue, state, priority, run_at, max_attempts, input, key, meta (JSON text), depends_on
--   (JSON text), pending_dependencies, lease_ms, timeout_ms, flow_key, flow (JSON text)]).
INSERT INTO spool_jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at, workflow_id,
  flow_key, flow
)
SELECT
  j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
  j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12,
  j.value ->> 13, :now, CASE WHEN j.value ->> 3 = 'cancelled' THEN :now END, :now, :workflow_id,
  j.value ->> 14, j.value ->> 15
FROM json_each(:jobs) AS j
