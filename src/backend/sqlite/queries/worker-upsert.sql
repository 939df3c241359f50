-- Records a worker heartbeat.
-- Params: :id, :host, :pid, :queues (JSON), :concurrency, :running (JSON), :started_at, :now, :expires_at.
INSERT INTO spool_workers (id, host, pid, queues, concurrency, running, started_at, last_seen_at, expires_at)
VALUES (:id, :host, :pid, :queues, :concurrency, :running, :started_at, :now, :expires_at)
ON CONFLICT (id) DO UPDATE SET
  host = excluded.host, pid = excluded.pid, queues = excluded.queues, concurrency = excluded.concurrency,
  running = excluded.running, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,
  expires_at = excluded.expires_at
