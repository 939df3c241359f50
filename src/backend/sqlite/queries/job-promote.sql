-- Runs a scheduled (delayed) job now: queued, due at :now.
-- Params: :id, :now.
-- Returns: queue (no row: refused, the job is not scheduled).
UPDATE spool_jobs SET
  state = 'queued',
  run_at = :now,
  updated_at = :now
WHERE id = :id AND state = 'scheduled'
RETURNING queue
