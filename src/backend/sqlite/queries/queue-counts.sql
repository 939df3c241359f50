-- Jobs per queue and state. The active states are counted from their partial indexes (small,
-- covering); the finished states by scanning the finished jobs (bounded by retention).
-- Params: none.
-- Returns: queue, state, n.
SELECT queue, 'queued' AS state, count(*) AS n FROM spool_jobs WHERE state = 'queued' GROUP BY queue
UNION ALL
SELECT queue, 'scheduled', count(*) FROM spool_jobs WHERE state = 'scheduled' GROUP BY queue
UNION ALL
SELECT queue, 'running', count(*) FROM spool_jobs WHERE state = 'running' GROUP BY queue
UNION ALL
SELECT queue, 'waiting', count(*) FROM spool_jobs WHERE state = 'waiting' GROUP BY queue
UNION ALL
SELECT queue, state, count(*) FROM spool_jobs WHERE finished_at IS NOT NULL AND state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state
