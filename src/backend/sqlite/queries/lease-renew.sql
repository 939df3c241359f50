-- Extends the lease of a running job fenced by :token.
-- Params: :id, :token, :now, :lease_ms (default for jobs without their own).
-- Returns: lease_expires_at (no row: lost).
UPDATE spool_jobs SET lease_expires_at = :now + coalesce(lease_ms, :lease_ms)
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING lease_expires_at
