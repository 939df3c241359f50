-- Queued jobs without limits of the tasks a task hold is on now (flow-waiting.ts): a task
-- hold's name is 't', 0x1f, the task. Driven by the holds (a LATERAL count per hold), so with
-- none in force no job is read: written as a join, the planner (misled by a queue's fast-changing
-- statistics) walked every queued job and probed the holds for each, 96-172 ms beside a
-- 50,000-job backlog, on every queues.list.
-- Params: :now. Returns: queue, task, n.
SELECT c.queue, substr(h.name, 3) AS task, c.n
FROM spool.queue_holds AS h
CROSS JOIN LATERAL (
  SELECT j.queue, count(*)::int AS n FROM spool.jobs AS j
  WHERE j.task = substr(h.name, 3) AND j.state = 'queued' AND j.flow_key IS NULL
  GROUP BY j.queue
) AS c
WHERE h.until > :now AND left(h.name, 2) = 't' || chr(31)
