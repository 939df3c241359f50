-- Live (queued or running) jobs of a task's cap group (every job of the task with limits),
-- oldest first (strategy at the cap). Params: :task. Returns: id.
SELECT id FROM spool_jobs INDEXED BY spool_jobs_flow_live
WHERE state IN ('queued', 'running') AND task = :task AND flow_key IS NOT NULL
ORDER BY created_at, id
