-- One queue's limits and rate-limit state, locked until the claim's transaction ends, with the
-- number of its jobs running now (read after the lock, so it includes every earlier claim).
-- No row: the queue has no limits (and nothing is locked).
-- Params: :queue.
-- Returns: concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
SELECT concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat
FROM spool.queue_limits WHERE name = :queue::text
FOR UPDATE
