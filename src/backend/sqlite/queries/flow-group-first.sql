-- The first group (task, limit key) with queued jobs in a queue, in (task, flow_key) order
-- (index spool_jobs_flow_groups: one seek).
-- Params: :queue. Returns: task, flow_key.
SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups
WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL
ORDER BY task, flow_key
LIMIT 1
