-- failFast: cancels every job of a workflow that has not started.
-- Params: :id (workflow), :now.
-- Returns: id, queue, has_dependents of each cancelled job.
UPDATE spool_jobs SET
  state = 'cancelled',
  finished_at = :now,
  updated_at = :now
WHERE workflow_id = :id AND state IN ('waiting', 'scheduled', 'queued')
RETURNING id, queue, has_dependents
