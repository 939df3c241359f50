-- Edits a job that has not started: new priority and/or input (NULL keeps the current one).
-- The partial index of its state (spool_jobs_ready for a queued job) follows the new priority.
-- Params: :id, :priority, :input, :now.
-- Returns: queue, state (no row: refused, the job started, finished or is gone).
UPDATE spool_jobs SET
  priority = coalesce(:priority, priority),
  input = coalesce(:input, input),
  updated_at = :now
WHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')
RETURNING queue, state
