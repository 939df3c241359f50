-- Recovers up to :limit running jobs whose lease expired: the lost attempt is recorded as a
-- LeaseExpiredError; the job goes back to queued, or ends failed when no attempts are left.
-- Rows locked by a concurrent transition are skipped.
-- Params: :now, :limit, :message.
-- Returns: id, queue, state, attempt, has_dependents, error (the error record).
UPDATE spool.jobs AS j SET
  errors = j.errors || jsonb_build_array(jsonb_build_object(
    'attempt', j.attempt, 'name', 'LeaseExpiredError', 'code', 'LEASE_EXPIRED', 'message', :message::text,
    'at', :now::bigint
  )),
  state = CASE WHEN j.attempt < j.max_attempts THEN 'queued' ELSE 'failed' END,
  finished_at = CASE WHEN j.attempt < j.max_attempts THEN j.finished_at ELSE :now::bigint END,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now::bigint
FROM (
  SELECT id FROM spool.jobs
  WHERE state = 'running' AND lease_expires_at <= :now::bigint
  ORDER BY lease_expires_at
  LIMIT :limit::bigint
  FOR UPDATE SKIP LOCKED
) AS r
WHERE j.id = r.id
RETURNING j.id, j.queue, j.state, j.attempt, j.has_dependents, j.errors -> -1 AS error
