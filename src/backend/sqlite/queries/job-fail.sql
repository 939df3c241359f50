-- Records a failed attempt of one running job fenced by :token. With :retry_at set and attempts
-- left it goes back to scheduled (or queued when :retry_at is not ahead), else it ends failed.
-- SET expressions all read the row as it was before the update.
-- Params: :id, :token, :error (JSON object), :retry_at (or NULL), :now.
-- Returns: queue, state, attempt, run_at, has_dependents (no row: refused).
UPDATE spool_jobs SET
  errors = json_insert(errors, '$[#]', json(:error)),
  state = CASE
    WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN
      CASE WHEN :retry_at > :now THEN 'scheduled' ELSE 'queued' END
    ELSE 'failed'
  END,
  run_at = CASE
    WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN max(:retry_at, :now)
    ELSE run_at
  END,
  finished_at = CASE WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN finished_at ELSE :now END,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue, state, attempt, run_at, has_dependents
