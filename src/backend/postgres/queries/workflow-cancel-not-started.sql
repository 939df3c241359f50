-- failFast: cancels every job of a workflow that has not started.
-- Params: :id (workflow), :now.
-- Returns: id, queue, has_dependents of each cancelled job.
UPDATE spool.jobs SET
  state = 'cancelled',
  finished_at = :now::bigint,
  updated_at = :now::bigint
WHERE workflow_id = :id::text AND state IN ('waiting', 'scheduled', 'queued')
RETURNING id, queue, has_dependents
