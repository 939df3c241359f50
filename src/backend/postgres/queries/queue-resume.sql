-- Resumes a queue. The row goes: a queue is listed while it has jobs or is paused.
-- Params: :queue.
DELETE FROM spool.queues WHERE name = :queue::text
