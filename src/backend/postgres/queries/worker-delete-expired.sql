-- Forgets workers whose heartbeat ttl passed.
-- Params: :now.
DELETE FROM spool.workers WHERE expires_at < :now::bigint
