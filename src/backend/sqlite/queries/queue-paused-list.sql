-- Every paused queue.
-- Params: none.
-- Returns: name.
SELECT name FROM spool_queues WHERE paused = 1
