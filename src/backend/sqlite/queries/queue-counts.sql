-- Jobs per queue and state. The active states are counted from their partial indexes (small,
-- covering); the finished states are read from spool_finished_counts (kept by triggers,
-- migration 0017), so the answer does not grow with the finished jobs retained.
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
SELECT queue, state, n FROM spool_finished_counts WHERE n > 0
