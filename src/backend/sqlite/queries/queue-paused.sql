-- Whether a queue is paused (no row: not paused).
-- Params: :queue.
-- Returns: paused.
SELECT paused FROM spool_queues WHERE name = :queue
