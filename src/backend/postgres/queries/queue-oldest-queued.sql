-- created_at of the oldest queued job per queue.
-- Params: none.
-- Returns: queue, oldest.
SELECT queue, min(created_at) AS oldest FROM spool.jobs WHERE state = 'queued' GROUP BY queue
