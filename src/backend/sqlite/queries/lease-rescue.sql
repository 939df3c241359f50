-- Recovers up to :limit running jobs whose lease expired: the lost attempt is recorded as a
-- LeaseExpiredError; the job goes back to queued, or ends failed when no attempts are left.
-- Params: :now, :limit, :message.
-- Returns: id, queue, state, attempt, has_dependents, error (the JSON error record).
UPDATE spool_jobs SET
  errors = json_insert(errors, '$[#]', json_object(
    'attempt', attempt, 'name', 'LeaseExpiredError', 'code', 'LEASE_EXPIRED', 'message', :message, 'at', :now
  )),
  state = CASE WHEN attempt < max_attempts THEN 'queued' ELSE 'failed' END,
  finished_at = CASE WHEN attempt < max_attempts THEN finished_at ELSE :now END,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now
WHERE rowid IN (
  SELECT rowid FROM spool_jobs
  WHERE state = 'running' AND lease_expires_at <= :now
  ORDER BY lease_expires_at
  LIMIT :limit
)
RETURNING id, queue, state, attempt, has_dependents, json_extract(errors, '$[#-1]') AS error
