-- Jobs per queue and state. The active states are counted from their partial indexes; the
-- finished states by scanning the finished jobs (bounded by retention).
-- Params: none.
-- Returns: queue, state, n.
SELECT queue, 'queued' AS state, count(*)::integer AS n FROM spool.jobs WHERE state = 'queued' GROUP BY queue
UNION ALL
SELECT queue, 'scheduled', count(*)::integer FROM spool.jobs WHERE state = 'scheduled' GROUP BY queue
UNION ALL
SELECT queue, 'running', count(*)::integer FROM spool.jobs WHERE state = 'running' GROUP BY queue
UNION ALL
SELECT queue, 'waiting', count(*)::integer FROM spool.jobs WHERE state = 'waiting' GROUP BY queue
UNION ALL
SELECT queue, state, count(*)::integer FROM spool.jobs
WHERE finished_at IS NOT NULL AND state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state
