-- Cancels one job that is not final yet (a running job loses its lease).
-- Params: :id, :now.
-- Returns: queue, has_dependents, spawn_policy, depends_on (no row: already final or missing).
UPDATE spool.jobs SET
  state = 'cancelled',
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now::bigint,
  updated_at = :now::bigint
WHERE id = :id::text AND state NOT IN ('completed', 'failed', 'cancelled')
RETURNING queue, has_dependents, spawn_policy, depends_on
