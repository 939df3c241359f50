-- Queued jobs with limits per queue, task, limit key and limits (flow-waiting.ts).
-- Params: none.
-- Returns: queue, task, flow_key, flow, n.
SELECT queue, task, flow_key, flow, count(*) AS n FROM spool_jobs
WHERE state = 'queued' AND flow_key IS NOT NULL
GROUP BY queue, task, flow_key, flow
