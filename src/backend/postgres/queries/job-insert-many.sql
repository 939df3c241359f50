-- Inserts a batch of new jobs that have no key and no dependencies (the bulk-enqueue path) in one
-- statement. A duplicate id violates the primary key and aborts the batch.
-- Params: :now, and one array per column: :ids, :tasks, :queues, :states, :priorities, :run_ats,
--   :max_attempts, :inputs, :metas, :lease_ms, :timeout_ms, :flow_keys, :flows, :workflow_id (one id
--   or NULL for all).
INSERT INTO spool.jobs (
  id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms,
  created_at, updated_at, workflow_id, flow_key, flow
)
SELECT b.id, b.task, b.queue, b.state, b.priority, b.run_at, b.max_attempts, b.input, b.meta, b.lease_ms,
  b.timeout_ms, :now::bigint, :now::bigint, :workflow_id::text, b.flow_key, b.flow
FROM unnest(
  :ids::text[], :tasks::text[], :queues::text[], :states::text[], :priorities::bigint[], :run_ats::bigint[],
  :max_attempts::bigint[], :inputs::text[], :metas::text[], :lease_ms::bigint[], :timeout_ms::bigint[],
  :flow_keys::text[], :flows::text[]
) AS b(id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, flow_key, flow)
