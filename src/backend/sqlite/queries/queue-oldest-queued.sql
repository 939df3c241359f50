-- created_at of the oldest queued job per queue, found as PostgreSQL and Redis find it: the
-- smallest created_at among the first :depth jobs of each priority in claim order, read from
-- spool_jobs_ready (queue, priority DESC, run_at, id, created_at). Exact while a priority holds
-- no more queued jobs than :depth; beyond that, the oldest job near the head of the line (a job
-- created long ago but due only now sorts by its run_at). `min(created_at)` over every queued
-- job read the whole backlog: 111 ms at 1,000,000 queued, growing with it. A queue's priorities
-- are found by a loose index scan (one max() seek per priority present), so the cost is
-- queues × priorities × :depth index entries, whatever the backlog.
-- INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
-- for `state = '...'` (test/backend/sqlite-queue-counts-plan.test.ts).
-- Params: :queues (a JSON array of the queues that have queued jobs), :depth.
-- Returns: queue, oldest.
WITH RECURSIVE prios(queue, priority) AS (
  SELECT q.value,
    (SELECT max(j.priority) FROM spool_jobs AS j INDEXED BY spool_jobs_ready
     WHERE j.state = 'queued' AND j.queue = q.value)
  FROM json_each(:queues) AS q
  UNION ALL
  SELECT p.queue,
    (SELECT max(j.priority) FROM spool_jobs AS j INDEXED BY spool_jobs_ready
     WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority < p.priority)
  FROM prios AS p
  WHERE p.priority IS NOT NULL
)
SELECT p.queue,
  min((SELECT min(h.created_at) FROM (
    SELECT j.created_at FROM spool_jobs AS j INDEXED BY spool_jobs_ready
    WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority = p.priority
    ORDER BY j.priority DESC, j.run_at, j.id
    LIMIT :depth
  ) AS h)) AS oldest
FROM prios AS p
WHERE p.priority IS NOT NULL
GROUP BY p.queue
