-- Jobs of one queue running now (leased, prefetched ones included), for its concurrency cap.
-- Params: :queue.
-- Returns: n.
SELECT count(*)::integer AS n FROM spool.jobs WHERE state = 'running' AND queue = :queue::text
