-- The group (task, limit key) with queued jobs that follows (:task, :key) in a queue, in
-- (task, flow_key) order: the next key of the same task, else the first key of the next task.
-- Two seeks of index spool_jobs_flow_groups (one row-value range `(task, flow_key) > (?, ?)`
-- seeks on task only and then walks the task's jobs).
-- Params: :queue, :task, :key. Returns: task, flow_key.
SELECT task, flow_key FROM (
  SELECT task, flow_key FROM (
    SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups
    WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL AND task = :task AND flow_key > :key
    ORDER BY flow_key
    LIMIT 1
  )
  UNION ALL
  SELECT task, flow_key FROM (
    SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups
    WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL AND task > :task
    ORDER BY task, flow_key
    LIMIT 1
  )
)
LIMIT 1
