-- Claims up to :limit queued jobs of one unpaused queue in claim order (priority DESC, run_at,
-- id): running, attempt + 1, a lease fenced by :token. Jobs with task or key limits (flow_key set)
-- are left to the fair claim (flow-claim.sql). Rows locked by a concurrent claim are
-- skipped (FOR UPDATE SKIP LOCKED), so claimers never wait for each other.
-- Params: :queue, :limit, :now, :token, :worker_id, :lease_ms (default for jobs without their own).
-- Returns: every column of each claimed job (in no particular order).
UPDATE spool.jobs AS j SET
  state = 'running',
  attempt = j.attempt + 1,
  lease_token = :token::text,
  lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint),
  worker_id = :worker_id::text,
  started_at = :now::bigint,
  updated_at = :now::bigint
-- The ids as one array, so the update probes the primary key per id (joined as a table, the
-- planner may hash-join them with a sequential scan of every job: job-claim-fast.sql).
WHERE j.id = ANY(ARRAY(
  SELECT id FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL
    AND NOT EXISTS (SELECT 1 FROM spool.queues AS q WHERE q.name = :queue::text AND q.paused)
  ORDER BY priority DESC, run_at, id
  LIMIT :limit::bigint
  FOR UPDATE SKIP LOCKED
))
RETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
