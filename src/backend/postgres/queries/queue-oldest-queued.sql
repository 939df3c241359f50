-- created_at of the oldest queued job per queue, found as Redis finds it (queue-list.lua): the
-- smallest created_at among the first :depth jobs of each priority in claim order, read from
-- jobs_ready (queue, priority DESC, run_at, id). Exact while a priority holds no more queued
-- jobs than :depth; beyond that, the oldest job near the head of the line (a job created long
-- ago but due only now sorts by its run_at). `min(created_at)` over every queued job read the
-- whole backlog and its heap pages: 92 ms at 50,000 queued, growing with it. The priorities of a
-- queue are found by a loose index scan (one probe per priority present), so the cost is
-- queues × priorities × :depth index entries, whatever the backlog.
-- Params: :queues (the queues that have queued jobs), :depth.
-- Returns: queue, oldest.
WITH RECURSIVE prios AS (
  SELECT q.queue,
    (SELECT max(j.priority) FROM spool.jobs AS j WHERE j.state = 'queued' AND j.queue = q.queue) AS priority
  FROM unnest(:queues::text[]) AS q(queue)
  UNION ALL
  SELECT p.queue,
    (SELECT max(j.priority) FROM spool.jobs AS j
     WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority < p.priority)
  FROM prios AS p
  WHERE p.priority IS NOT NULL
)
SELECT p.queue, min(h.created_at) AS oldest
FROM prios AS p
CROSS JOIN LATERAL (
  SELECT j.created_at FROM spool.jobs AS j
  WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority = p.priority
  ORDER BY j.run_at, j.id
  LIMIT :depth::bigint
) AS h
WHERE p.priority IS NOT NULL
GROUP BY p.queue
