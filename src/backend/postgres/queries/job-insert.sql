-- Inserts one new job; a job whose (task, key) another job holds is not inserted (no row back).
-- A duplicate id violates the primary key (the caller turns it into an error).
-- Params: :id, :task, :queue, :state, :priority, :run_at, :max_attempts, :input, :key, :meta,
--   :depends_on (text[]), :pending_dependencies, :lease_ms, :timeout_ms, :now, :finished_at,
--   :flow_key, :flow (NULL: no limits).
-- Returns: id (no row: the key is taken).
INSERT INTO spool.jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,
  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at, flow_key, flow
) VALUES (
  :id::text, :task::text, :queue::text, :state::text, :priority::bigint, :run_at::bigint, :max_attempts::bigint,
  :input::text, :key::text, :meta::text, :depends_on::text[], :pending_dependencies::bigint, :lease_ms::bigint,
  :timeout_ms::bigint, :now::bigint, :finished_at::bigint, :now::bigint, :flow_key::text, :flow::text
)
ON CONFLICT (task, key) WHERE key IS NOT NULL DO NOTHING
RETURNING id
