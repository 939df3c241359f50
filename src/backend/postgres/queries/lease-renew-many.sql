-- Extends the leases of running jobs fenced by their tokens.
-- Params: :ids, :tokens (text[]), :now, :lease_ms (default for jobs without their own).
-- Returns: id, lease_expires_at (missing ids were lost).
UPDATE spool.jobs AS j SET lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint)
FROM unnest(:ids::text[], :tokens::text[]) AS b(id, token)
WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token
RETURNING j.id, j.lease_expires_at
