-- Whether a queue is paused (no row: not paused).
-- Params: :queue.
-- Returns: paused.
SELECT paused FROM spool.queues WHERE name = :queue::text
