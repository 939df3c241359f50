-- Records a failed attempt of each running job fenced by its token. With a retry time and
-- attempts left it goes back to scheduled (or queued when the time is not ahead), else it ends
-- failed. SET expressions all read the row as it was before the update. Ids must be distinct.
-- Params: :ids, :tokens, :errors (JSON text), :retry_ats (bigint, NULL: no retry), :now.
-- Returns: id, queue, state, attempt, run_at, has_dependents (missing ids were refused).
UPDATE spool.jobs AS j SET
  errors = j.errors || jsonb_build_array(b.error::jsonb),
  state = CASE
    WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN
      CASE WHEN b.retry_at > :now::bigint THEN 'scheduled' ELSE 'queued' END
    ELSE 'failed'
  END,
  run_at = CASE
    WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN greatest(b.retry_at, :now::bigint)
    ELSE j.run_at
  END,
  finished_at = CASE WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN j.finished_at ELSE :now::bigint END,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now::bigint
FROM unnest(:ids::text[], :tokens::text[], :errors::text[], :retry_ats::bigint[]) AS b(id, token, error, retry_at)
WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token
RETURNING j.id, j.queue, j.state, j.attempt, j.run_at, j.has_dependents
