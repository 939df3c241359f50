-- Jobs per queue and state. The active states are counted from their partial indexes; the
-- finished states are summed from spool.finished_counts (deltas kept by triggers, migration
-- 0063, folded by retention), so the answer does not grow with the finished jobs retained.
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
SELECT queue, state, sum(n)::integer FROM spool.finished_counts GROUP BY queue, state HAVING sum(n) > 0
