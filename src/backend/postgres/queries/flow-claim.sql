-- Claims the jobs the fair claim chose if they are still queued (a plain claim may have taken
-- a job without limits meanwhile: READ COMMITTED re-checks the row after its lock), and, when
-- :move, stores the last group it served as the queue's rotation cursor (flow-start.sql).
-- Params: :ids (text[]), :now, :token, :worker_id, :lease_ms, :move (boolean), :queue,
--   :cursor_task (NULL: the jobs without limits), :cursor_key.
-- Returns: every column of each claimed job (in no particular order).
WITH cursor_moved AS (
  INSERT INTO spool.flow_cursor (queue, task, flow_key)
  SELECT :queue::text, :cursor_task::text, :cursor_key::text WHERE :move::boolean
  ON CONFLICT (queue) DO UPDATE SET task = excluded.task, flow_key = excluded.flow_key
)
UPDATE spool.jobs AS j SET
  state = 'running',
  attempt = j.attempt + 1,
  lease_token = :token::text,
  lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint),
  worker_id = :worker_id::text,
  started_at = :now::bigint,
  updated_at = :now::bigint
WHERE j.id = ANY(:ids::text[]) AND j.state = 'queued'
RETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
