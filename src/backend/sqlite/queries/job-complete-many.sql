-- Completes a batch of running jobs, each only if its token still fences it; progress (if any)
-- goes to 100%. One statement for the batch (ids must be distinct: the caller checks).
-- Params: :jobs (JSON array of [id, token, result]), :now.
-- Returns: id, queue, attempt, has_dependents of each completed job (in no particular order;
--   missing ids were refused).
-- Plan: drive from the batch and probe the id index once per job. The unary `+` on state keeps
-- the planner off the (state, id) index of migration 0023: through it, it walked every running
-- job and scanned the whole batch for each (batch x running), which cut processing from ~50k
-- to ~6k jobs/s (test/backend/sqlite-hot-plan.test.ts checks the plan).
UPDATE spool_jobs SET
  state = 'completed',
  result = b.value ->> 2,
  progress = CASE WHEN progress IS NULL THEN NULL ELSE json_set(progress, '$.percent', 100) END,
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
FROM json_each(:jobs) AS b
WHERE spool_jobs.id = b.value ->> 0 AND +spool_jobs.state = 'running' AND spool_jobs.lease_token = b.value ->> 1
RETURNING spool_jobs.id, queue, attempt, has_dependents
