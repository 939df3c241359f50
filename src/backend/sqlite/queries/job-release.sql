-- Gives a running job fenced by :token back to queued without counting the attempt.
-- Params: :id, :token, :now.
-- Returns: queue (no row: refused).
UPDATE spool_jobs SET
  state = 'queued',
  attempt = max(0, attempt - 1),
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue
