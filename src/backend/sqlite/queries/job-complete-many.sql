-- Completes a batch of running jobs, each only if its token still fences it; progress (if any)
-- goes to 100%. One statement for the batch (ids must be distinct: the caller checks).
-- Params: :jobs (JSON array of [id, token, result]), :now.
-- Returns: id, queue, attempt, has_dependents of each completed job (in no particular order;
--   missing ids were refused).
UPDATE spool_jobs SET
  state = 'completed',
  result = b.value ->> 2,
  progress = CASE WHEN progress IS NULL THEN NULL ELSE json_set(progress, '$.percent', 100) END,
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
FROM json_each(:jobs) AS b
WHERE spool_jobs.id = b.value ->> 0 AND spool_jobs.state = 'running' AND spool_jobs.lease_token = b.value ->> 1
RETURNING spool_jobs.id, queue, attempt, has_dependents
