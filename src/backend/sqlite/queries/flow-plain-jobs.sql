-- Queued jobs without limits of a queue in claim order (index spool_jobs_plain_ready), from the
-- :skip-th on: the fair claim's group of jobs without limits.
-- Params: :queue, :tasks (JSON array of task names, or NULL for any), :n, :skip.
-- Returns: rid (rowid), task.
SELECT rowid AS rid, task FROM spool_jobs INDEXED BY spool_jobs_plain_ready
WHERE state = 'queued' AND queue = :queue AND flow_key IS NULL
  AND (:tasks IS NULL OR task IN (SELECT value FROM json_each(:tasks)))
ORDER BY priority DESC, run_at, id
LIMIT :n OFFSET :skip
