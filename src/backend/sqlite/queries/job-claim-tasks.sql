-- As job-claim.sql, but only jobs of the tasks in :tasks (a JSON array of names): a worker
-- claims only the tasks it registered; jobs of other tasks stay queued for other workers.
-- Params: :queue, :tasks, :limit, :now, :token, :worker_id, :lease_ms.
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
  WHERE state = 'queued' AND queue = :queue AND task IN (SELECT value FROM json_each(:tasks))
  ORDER BY priority DESC, run_at, id
  LIMIT :limit
)
RETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,
  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at
