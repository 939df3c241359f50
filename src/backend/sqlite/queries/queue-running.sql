-- Jobs of one queue running now (leased, prefetched ones included), for its concurrency cap.
-- Scans the running jobs' partial index: as many rows as the cluster's busy slots.
-- Params: :queue.
-- Returns: n.
SELECT count(*) AS n FROM spool_jobs WHERE state = 'running' AND queue = :queue
