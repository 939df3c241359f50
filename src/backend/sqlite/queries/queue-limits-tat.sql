-- Stores the rate limit's new GCRA state after a claim started jobs of the queue.
-- Params: :queue, :tat.
UPDATE spool_queue_limits SET rate_tat = :tat WHERE name = :queue
