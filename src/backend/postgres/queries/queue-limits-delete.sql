-- Removes a queue's limits row (both limits removed).
-- Params: :queue.
DELETE FROM spool.queue_limits WHERE name = :queue::text
