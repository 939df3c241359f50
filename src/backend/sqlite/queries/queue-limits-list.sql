-- Every queue with limits.
-- Params: none.
-- Returns: name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
SELECT name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat FROM spool_queue_limits
