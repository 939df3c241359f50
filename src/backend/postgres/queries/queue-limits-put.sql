-- Writes a queue's whole limits row (the caller merged the change into the old one, read locked).
-- Params: :queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now.
INSERT INTO spool.queue_limits (name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat, updated_at)
VALUES (:queue::text, :concurrency::integer, :rate_limit::integer, :rate_per_ms::bigint, :rate_burst::integer,
  :rate_tat::double precision, :now::bigint)
ON CONFLICT (name) DO UPDATE SET
  concurrency = excluded.concurrency,
  rate_limit = excluded.rate_limit,
  rate_per_ms = excluded.rate_per_ms,
  rate_burst = excluded.rate_burst,
  rate_tat = excluded.rate_tat,
  updated_at = excluded.updated_at
