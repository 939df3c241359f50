-- Gives a running job fenced by :token back to wait until :run_at without counting the attempt
-- (a handler's RateLimitedError): scheduled, or queued when :run_at is not ahead of :now.
-- Params: :id, :token, :run_at, :now.
-- Returns: queue, state (no row: refused).
UPDATE spool.jobs SET
  state = CASE WHEN :run_at::bigint > :now::bigint THEN 'scheduled' ELSE 'queued' END,
  run_at = :run_at::bigint,
  attempt = greatest(0, attempt - 1),
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now::bigint
WHERE id = :id::text AND state = 'running' AND lease_token = :token::text
RETURNING queue, state
