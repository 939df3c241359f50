-- Until when a queue is held (no row, or a past instant: not held).
-- Params: :queue.
-- Returns: until.
SELECT until FROM spool.queue_holds WHERE name = :queue::text
