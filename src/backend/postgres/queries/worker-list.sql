-- Workers seen within their ttl.
-- Params: :now.
-- Returns: id, host, pid, queues, concurrency, running, started_at, last_seen_at.
SELECT id, host, pid, queues, concurrency, running, started_at, last_seen_at
FROM spool.workers WHERE expires_at >= :now::bigint
