-- Finished jobs of one state beyond the newest :keep, oldest first (retention by count): the
-- oldest (count - :keep) of them. Jobs of a running workflow are neither counted nor removed.
-- Params: :state, :keep, :limit.
-- Returns: id.
SELECT id FROM spool.jobs AS j
WHERE state = :state::text AND finished_at IS NOT NULL
  AND (j.workflow_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))
ORDER BY finished_at, id
LIMIT greatest(0, least(:limit::bigint, (
  SELECT count(*) FROM spool.jobs AS k
  WHERE k.state = :state::text AND k.finished_at IS NOT NULL
    AND (k.workflow_id IS NULL
      OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = k.workflow_id AND w.state = 'running'))
) - :keep::bigint))
