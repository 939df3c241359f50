-- As job-claim.sql, but only jobs of the tasks in :tasks (a JSON array of names): a worker
-- claims only the tasks it registered; jobs of other tasks stay queued for other workers.
-- Params: :queue, :tasks, :limit, :now, :token, :worker_id, :lease_ms.
-- Returns: every column of each claimed job (in no particular order).
UPDATE spool_jobs SET
  state = 'running',
  attempt = attempt + 1,
  lease_token = :token,
  lease_expires_at = :now + coalesce(lease_ms, :lease_ms),
  worker_id = :worker_id,
  started_at = :now,
  updated_at = :now
WHERE rowid IN (
  SELECT rowid FROM spool_jobs
  WHERE state = 'queued' AND queue = :queue AND task IN (SELECT value FROM json_each(:tasks))
  ORDER BY priority DESC, run_at, id
  LIMIT :limit
)
RETURNING *
