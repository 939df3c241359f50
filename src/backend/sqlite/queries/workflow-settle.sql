-- Settles every running workflow whose jobs are all final: freezes its state, counts and
-- finish time, so retention may prune its jobs and the record still answers.
-- Params: :now.
UPDATE spool_workflows AS w SET
  state = CASE
    WHEN EXISTS (SELECT 1 FROM spool_jobs WHERE workflow_id = w.id AND state = 'failed') THEN 'failed'
    WHEN EXISTS (SELECT 1 FROM spool_jobs WHERE workflow_id = w.id AND state = 'cancelled') THEN 'cancelled'
    ELSE 'completed'
  END,
  counts = (
    SELECT json_object(
      'waiting', 0, 'scheduled', 0, 'queued', 0, 'running', 0,
      'completed', coalesce(sum(state = 'completed'), 0),
      'failed', coalesce(sum(state = 'failed'), 0),
      'cancelled', coalesce(sum(state = 'cancelled'), 0))
    FROM spool_jobs WHERE workflow_id = w.id
  ),
  finished_at = :now
WHERE w.state = 'running'
  AND NOT EXISTS (
    SELECT 1 FROM spool_jobs
    WHERE workflow_id = w.id AND state IN ('waiting', 'scheduled', 'queued', 'running')
  )
