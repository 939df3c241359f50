-- Inserts a batch of new jobs that have no key and no dependencies (the bulk-enqueue path), in
-- one statement. A duplicate id violates the primary key and aborts the batch.
-- Params: :now, :jobs (JSON array of [id, task, queue, state, priority, run_at, max_attempts,
--   input, meta (JSON text), lease_ms, timeout_ms]).
INSERT INTO spool_jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at
)
SELECT
  j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
  j.value ->> 7, NULL, j.value ->> 8, '[]', 0, j.value ->> 9, j.value ->> 10, :now, NULL, :now
FROM json_each(:jobs) AS j
