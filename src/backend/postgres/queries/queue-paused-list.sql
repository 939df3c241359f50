-- Every paused queue.
-- Params: none.
-- Returns: name.
SELECT name FROM spool.queues WHERE paused
