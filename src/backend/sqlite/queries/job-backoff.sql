-- Gives a running job fenced by :token back to wait until :run_at without counting the attempt
-- (a handler's RateLimitedError): scheduled, or queued when :run_at is not ahead of :now.
-- Params: :id, :token, :run_at, :now.
-- Returns: queue, state (no row: refused).
UPDATE spool_jobs SET
  state = CASE WHEN :run_at > :now THEN 'scheduled' ELSE 'queued' END,
  run_at = :run_at,
  attempt = max(0, attempt - 1),
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue, state
