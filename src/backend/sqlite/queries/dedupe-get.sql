-- The job last created for a dedupe key, with its state (NULL when the job is gone).
-- Params: :task, :key.
-- Returns: job_id, first_at, state, queue.
SELECT d.job_id, d.first_at, j.state, j.queue
FROM spool_dedupe d LEFT JOIN spool_jobs j ON j.id = d.job_id
WHERE d.task = :task AND d.key = :key
