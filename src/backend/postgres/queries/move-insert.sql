-- Inserts one moved-in job with every column as the source stored it (jobImport, seam/move.ts),
-- unless its id or its idempotency key is taken (no row back then). A not-started job's state
-- and pending count are set afterwards by move-place.sql, once the whole batch is in.
-- Params: every column of spool.jobs but has_dependents and lease_token (move-shared.ts moveInsertColumns).
-- Returns: id.
INSERT INTO spool.jobs (
  id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors, progress,
  key, meta, depends_on, pending_dependencies, lease_ms, timeout_ms, worker_id, lease_expires_at,
  created_at, started_at, finished_at, updated_at, workflow_id, spawn_policy, flow_key, flow
) VALUES (
  :id::text, :task::text, :queue::text, :state::text, :priority::bigint, :run_at::bigint, :attempt::bigint,
  :max_attempts::bigint, :input::text, :result::text, :errors::jsonb, :progress::jsonb, :key::text, :meta::text,
  :depends_on::text[], :pending_dependencies::bigint, :lease_ms::bigint, :timeout_ms::bigint, :worker_id::text,
  :lease_expires_at::bigint, :created_at::bigint, :started_at::bigint, :finished_at::bigint, :updated_at::bigint,
  :workflow_id::text, :spawn_policy::text, :flow_key::text, :flow::text
)
ON CONFLICT DO NOTHING
RETURNING id
