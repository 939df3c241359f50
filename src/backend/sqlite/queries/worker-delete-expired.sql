-- Forgets workers whose heartbeat ttl passed.
-- Params: :now.
DELETE FROM spool_workers WHERE expires_at < :now
