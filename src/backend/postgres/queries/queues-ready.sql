-- The queues that hold queued jobs (the change feed's catch-up after a re-LISTEN).
-- Params: none.
-- Returns: queue.
SELECT queue FROM spool.jobs WHERE state = 'queued' GROUP BY queue
