-- Cancels one job that is not final yet (a running job loses its lease).
-- Params: :id, :now.
-- Returns: queue, has_dependents, spawn_policy, depends_on (no row: already final or missing).
UPDATE spool_jobs SET
  state = 'cancelled',
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
WHERE id = :id AND state NOT IN ('completed', 'failed', 'cancelled')
RETURNING queue, has_dependents, spawn_policy, depends_on
