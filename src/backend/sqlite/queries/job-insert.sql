-- Inserts one new job. A duplicate id violates the primary key (the caller turns it into an error).
-- Params: :id, :task, :queue, :state, :priority, :run_at, :max_attempts, :input, :key, :meta (JSON),
--   :depends_on (JSON array), :pending_dependencies, :lease_ms, :timeout_ms, :now, :finished_at.
INSERT INTO spool_jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at
) VALUES (
  :id, :task, :queue, :state, :priority, :run_at, :max_attempts, :input, :key, :meta, :depends_on,
  :pending_dependencies, :lease_ms, :timeout_ms, :now, :finished_at, :now
)
