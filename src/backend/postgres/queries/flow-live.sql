-- Live (queued or running) jobs of a cap group, oldest first (strategy at the cap): the task's
-- jobs with limits and, for a keyed cap, limit key :key (NULL: every key of the task).
-- Params: :task, :key. Returns: id.
SELECT id FROM spool.jobs
WHERE state IN ('queued', 'running') AND task = :task::text AND flow_key IS NOT NULL
  AND (:key::text IS NULL OR flow_key = :key::text)
ORDER BY created_at, id
