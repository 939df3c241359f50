-- Inserts every job of a workflow in one statement (states computed by the caller: all
-- dependencies are jobs of the same batch). A duplicate id violates the primary key.
-- Params: :now, :workflow_id, and one array per column: :ids, :tasks, :queues, :states,
--   :priorities, :run_ats, :max_attempts, :inputs, :metas, :depends_on (JSON arrays as text),
--   :pending (bigint[]), :lease_ms, :timeout_ms, :flow_keys, :flows (limits, NULL = none).
INSERT INTO spool.jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, meta, depends_on, pending_dependencies,
  lease_ms, timeout_ms, created_at, updated_at, workflow_id, flow_key, flow
)
SELECT b.id, b.task, b.queue, b.state, b.priority, b.run_at, b.max_attempts, b.input, b.meta,
  ARRAY(SELECT jsonb_array_elements_text(b.depends_on::jsonb)), b.pending, b.lease_ms, b.timeout_ms,
  :now::bigint, :now::bigint, :workflow_id::text, b.flow_key, b.flow
FROM unnest(
  :ids::text[], :tasks::text[], :queues::text[], :states::text[], :priorities::bigint[], :run_ats::bigint[],
  :max_attempts::bigint[], :inputs::text[], :metas::text[], :depends_on::text[], :pending::bigint[],
  :lease_ms::bigint[], :timeout_ms::bigint[], :flow_keys::text[], :flows::text[]
) AS b(
  id, task, queue, state, priority, run_at, max_attempts, input, meta, depends_on, pending, lease_ms, timeout_ms,
  flow_key, flow
)
