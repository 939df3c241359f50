-- Queued jobs without limits of the tasks a task hold is on now (flow-waiting.ts): a task
-- hold's name is 't', 0x1f, the task.
-- Params: :now. Returns: queue, task, n.
SELECT j.queue, j.task, count(*)::int AS n
FROM spool.queue_holds h
JOIN spool.jobs j ON j.task = substr(h.name, 3) AND j.state = 'queued' AND j.flow_key IS NULL
WHERE h.until > :now AND left(h.name, 2) = 't' || chr(31)
GROUP BY j.queue, j.task
