-- Stores the rate limit's new GCRA state after a claim started jobs of the queue (row locked).
-- Params: :queue, :tat.
UPDATE spool.queue_limits SET rate_tat = :tat::double precision WHERE name = :queue::text
