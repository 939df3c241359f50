-- Finished jobs of one state that finished before :before, oldest first (retention by age).
-- Jobs of a workflow that is still running are kept (their results feed its later jobs).
-- Params: :state, :before, :limit.
-- Returns: id.
SELECT id FROM spool.jobs AS j
WHERE state = :state::text AND finished_at IS NOT NULL AND finished_at < :before::bigint
  AND (j.workflow_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))
ORDER BY finished_at, id
LIMIT :limit::bigint
