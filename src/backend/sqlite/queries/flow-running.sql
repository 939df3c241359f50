-- Running jobs with limits of a task, with limit key :key (NULL: any key).
-- Params: :task, :key. Returns: n.
SELECT count(*) AS n FROM spool_jobs
WHERE state = 'running' AND task = :task AND flow_key IS NOT NULL AND (:key IS NULL OR flow_key = :key)
