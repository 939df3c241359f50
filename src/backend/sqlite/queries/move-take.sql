-- Takes one not-started job out of circulation for `spool move` (seam/move.ts): it becomes
-- `running` under the mover's worker id and token with a lease that never expires, so no claim,
-- rescue, dependency release or workflow rule touches it. Other columns stay as they were.
-- Params: :id, :worker_id, :token, :until, :now.
-- Returns: id (no row: the job is not waiting, scheduled or queued).
UPDATE spool_jobs
SET state = 'running', worker_id = :worker_id, lease_token = :token, lease_expires_at = :until, updated_at = :now
WHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')
RETURNING id
