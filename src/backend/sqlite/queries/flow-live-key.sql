-- Live (queued or running) jobs of a keyed cap group, oldest first (strategy at the cap).
-- Params: :task, :key. Returns: id.
SELECT id FROM spool_jobs
WHERE state IN ('queued', 'running') AND task = :task AND flow_key = :key
ORDER BY created_at, id
