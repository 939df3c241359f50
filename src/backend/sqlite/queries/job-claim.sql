-- Claims up to :limit queued jobs of one queue in claim order (priority DESC, run_at, id):
-- running, attempt + 1, a lease fenced by :token.
-- Params: :queue, :limit, :now, :token, :worker_id, :lease_ms (default for jobs without their own).
-- Selects by rowid: the ready index holds it, so no lookup through the id index.
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
  WHERE state = 'queued' AND queue = :queue
  ORDER BY priority DESC, run_at, id
  LIMIT :limit
)
RETURNING *
