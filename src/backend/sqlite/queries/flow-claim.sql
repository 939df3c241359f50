-- Claims the jobs the fair claim chose (by rowid) if they are still queued: as job-claim.sql.
-- Params: :rowids (JSON array), :now, :token, :worker_id, :lease_ms.
-- Returns: each claimed job (in no particular order) as `CLAIM_COLUMNS` in rows.ts lists them
-- (see job-claim.sql), then flow_key.
UPDATE spool_jobs SET
  state = 'running',
  attempt = attempt + 1,
  lease_token = :token,
  lease_expires_at = :now + coalesce(lease_ms, :lease_ms),
  worker_id = :worker_id,
  started_at = :now,
  updated_at = :now
-- `+state`: find the rows by rowid; an index on state would walk every queued job.
WHERE rowid IN (SELECT value FROM json_each(:rowids)) AND +state = 'queued'
RETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,
  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at,
  flow_key
