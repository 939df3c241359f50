-- Claims up to :limit queued jobs of one queue in claim order (priority DESC, run_at, id):
-- running, attempt + 1, a lease fenced by :token.
-- Params: :queue, :limit, :now, :token, :worker_id, :lease_ms (default for jobs without their own).
-- Selects by rowid: the ready index holds it, so no lookup through the id index.
-- Returns: each claimed job (in no particular order) as `CLAIM_COLUMNS` in rows.ts lists them:
-- only the columns the claim did not just set (state, queue, worker, token, times are known to
-- the caller), the JSON columns NULL when empty. The claim is the hottest read: each column
-- returned costs a value built per job, and RETURNING * was about 60% of the claim's cost.
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
RETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,
  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at
