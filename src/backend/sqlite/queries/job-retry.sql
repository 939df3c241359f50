-- Runs a failed or cancelled job again: queued now, attempt count starting over.
-- Params: :id, :now.
-- Returns: queue (no row: refused).
UPDATE spool_jobs SET
  state = 'queued',
  attempt = 0,
  run_at = :now,
  finished_at = NULL,
  pending_dependencies = 0,
  updated_at = :now
WHERE id = :id AND state IN ('failed', 'cancelled')
RETURNING queue
