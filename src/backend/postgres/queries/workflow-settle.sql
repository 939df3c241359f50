-- Settles every running workflow whose jobs are all final: freezes its state, counts and
-- finish time, so retention may prune its jobs and the record still answers.
-- Params: :now.
UPDATE spool.workflows AS w SET
  state = CASE
    WHEN EXISTS (SELECT 1 FROM spool.jobs WHERE workflow_id = w.id AND state = 'failed') THEN 'failed'
    WHEN EXISTS (SELECT 1 FROM spool.jobs WHERE workflow_id = w.id AND state = 'cancelled') THEN 'cancelled'
    ELSE 'completed'
  END,
  counts = (
    SELECT jsonb_build_object(
      'waiting', 0, 'scheduled', 0, 'queued', 0, 'running', 0,
      'completed', count(*) FILTER (WHERE state = 'completed'),
      'failed', count(*) FILTER (WHERE state = 'failed'),
      'cancelled', count(*) FILTER (WHERE state = 'cancelled'))
    FROM spool.jobs WHERE workflow_id = w.id
  ),
  finished_at = :now::bigint
WHERE w.state = 'running'
  AND NOT EXISTS (
    SELECT 1 FROM spool.jobs
    WHERE workflow_id = w.id AND state IN ('waiting', 'scheduled', 'queued', 'running')
  )
