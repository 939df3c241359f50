-- Inserts one moved-in job with every column as the source stored it (jobImport, seam/move.ts);
-- the caller checked that the id and the idempotency key are free. A not-started job's state
-- and pending count are set afterwards by move-place.sql, once the whole batch is in.
-- Params: every column of spool_jobs but has_dependents and lease_token (JSON columns as text;
--   move-shared.ts moveInsertColumns).
INSERT INTO spool_jobs (
  id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors, progress,
  key, meta, depends_on, pending_dependencies, lease_ms, timeout_ms, worker_id, lease_expires_at,
  created_at, started_at, finished_at, updated_at, workflow_id, spawn_policy, flow_key, flow
) VALUES (
  :id, :task, :queue, :state, :priority, :run_at, :attempt, :max_attempts, :input, :result, :errors, :progress,
  :key, :meta, :depends_on, :pending_dependencies, :lease_ms, :timeout_ms, :worker_id, :lease_expires_at,
  :created_at, :started_at, :finished_at, :updated_at, :workflow_id, :spawn_policy, :flow_key, :flow
)
