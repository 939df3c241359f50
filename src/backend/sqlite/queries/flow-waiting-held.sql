-- Queued jobs without limits of the tasks a task hold is on now (flow-waiting.ts): a task
-- hold's name is 't', 0x1f, the task.
-- Params: :now.
-- Returns: queue, task, n.
SELECT j.queue, j.task, count(*) AS n
FROM spool_queue_holds h
CROSS JOIN spool_jobs j ON j.task = substr(h.name, 3) AND j.state = 'queued' AND j.flow_key IS NULL
WHERE h.until > :now AND substr(h.name, 1, 2) = 't' || char(31)
GROUP BY j.queue, j.task
