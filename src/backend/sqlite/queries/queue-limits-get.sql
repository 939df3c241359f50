-- One queue's limits and rate-limit state (no row: no limits).
-- Params: :queue.
-- Returns: concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
SELECT concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat FROM spool_queue_limits WHERE name = :queue
