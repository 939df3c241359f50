-- Records a worker heartbeat.
-- Params: :id, :host, :pid, :queues (JSON), :concurrency, :running (JSON), :started_at, :now, :expires_at.
INSERT INTO spool.workers (id, host, pid, queues, concurrency, running, started_at, last_seen_at, expires_at)
VALUES (:id::text, :host::text, :pid::bigint, :queues::text, :concurrency::bigint, :running::text,
  :started_at::bigint, :now::bigint, :expires_at::bigint)
ON CONFLICT (id) DO UPDATE SET
  host = excluded.host, pid = excluded.pid, queues = excluded.queues, concurrency = excluded.concurrency,
  running = excluded.running, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,
  expires_at = excluded.expires_at
