-- Which of :queues a claim must serve by the fair path: they have queued (or due scheduled)
-- jobs with limits; all of them while a task or key hold is on (those names hold a 0x1f).
-- Params: :queues (text[]), :now. Returns: queue.
SELECT DISTINCT queue FROM spool.jobs
WHERE queue = ANY(:queues::text[]) AND flow_key IS NOT NULL
  AND (state = 'queued' OR (state = 'scheduled' AND run_at <= :now::bigint))
UNION
SELECT q FROM unnest(:queues::text[]) AS q
WHERE EXISTS (SELECT 1 FROM spool.queue_holds WHERE until > :now::bigint AND strpos(name, chr(31)) > 0)
