-- Finished jobs of one state beyond the newest :keep, oldest first (retention by count): the
-- oldest (count - :keep) of them. Jobs of a running workflow are neither counted nor removed.
-- Params: :state, :keep, :limit.
-- Returns: id.
SELECT id FROM spool_jobs AS j
WHERE state = :state AND finished_at IS NOT NULL
  AND (j.workflow_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM spool_workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))
ORDER BY finished_at, id
LIMIT max(0, min(:limit, (
  SELECT count(*) FROM spool_jobs AS k
  WHERE k.state = :state AND k.finished_at IS NOT NULL
    AND (k.workflow_id IS NULL
      OR NOT EXISTS (SELECT 1 FROM spool_workflows AS w WHERE w.id = k.workflow_id AND w.state = 'running'))
) - :keep))
