-- Which of :queues a claim must serve by the fair path: they have queued (or due scheduled)
-- jobs with limits; all of them while a task or key hold is on (those names hold a 0x1f).
-- One probe per queue that stops at the first row (ORDER BY … LIMIT 1 in a scalar subquery:
-- an EXISTS loses its ORDER BY, and with it the reason to prefer an index over a scan). Before,
-- a DISTINCT over the matching rows read every queued job with limits, so every fair claim's
-- cost grew with the backlog (183 ms at 100,000 queued, on a loaded machine; now 0.08 ms).
-- Params: :queues (text[]), :now. Returns: queue.
SELECT q AS queue FROM unnest(:queues::text[]) AS q
WHERE coalesce((
    SELECT true FROM spool.jobs
    WHERE queue = q AND state = 'queued' AND flow_key IS NOT NULL
    ORDER BY queue, task, flow_key
    LIMIT 1
  ), false)
  OR EXISTS (
    SELECT 1 FROM spool.jobs
    WHERE queue = q AND state = 'scheduled' AND flow_key IS NOT NULL AND run_at <= :now::bigint
  )
  OR EXISTS (SELECT 1 FROM spool.queue_holds WHERE until > :now::bigint AND strpos(name, chr(31)) > 0)
