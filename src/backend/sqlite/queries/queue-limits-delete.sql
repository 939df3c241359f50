-- Removes a queue's limits row (both limits removed).
-- Params: :queue.
DELETE FROM spool_queue_limits WHERE name = :queue
