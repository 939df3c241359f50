-- Writes a queue's whole limits row (the caller merged the change into the old one).
-- Params: :queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now.
INSERT INTO spool_queue_limits (name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat, updated_at)
VALUES (:queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now)
ON CONFLICT (name) DO UPDATE SET
  concurrency = excluded.concurrency,
  rate_limit = excluded.rate_limit,
  rate_per_ms = excluded.rate_per_ms,
  rate_burst = excluded.rate_burst,
  rate_tat = excluded.rate_tat,
  updated_at = excluded.updated_at
