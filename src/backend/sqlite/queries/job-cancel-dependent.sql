-- Cancels a dependent of a failed or cancelled job unless it is final, running, or a spawn
-- waiter (its policy applies instead: job-spawn-settle.sql).
-- Params: :id, :now.
-- Returns: queue, has_dependents (no row: left alone).
UPDATE spool_jobs SET
  state = 'cancelled',
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
WHERE id = :id AND state IN ('waiting', 'scheduled', 'queued') AND spawn_policy IS NULL
RETURNING queue, has_dependents
