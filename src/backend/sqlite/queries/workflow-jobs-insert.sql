-- Inserts every job of a workflow in one statement (states computed by the caller: all
-- dependencies are jobs of the same batch). A duplicate id violates the primary key.
-- Params: :now, :workflow_id, :jobs (JSON array of [id, task, queue, state, priority, run_at,
--   max_attempts, input, meta (JSON text), depends_on (JSON text), pending_dependencies,
--   lease_ms, timeout_ms]).
INSERT INTO spool_jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at, workflow_id
)
SELECT
  j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
  j.value ->> 7, NULL, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12,
  :now, NULL, :now, :workflow_id
FROM json_each(:jobs) AS j
