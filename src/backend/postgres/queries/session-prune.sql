-- Drops revocations of sessions that have expired anyway.
-- Params: :now.
DELETE FROM spool.revoked_sessions WHERE expires_at <= :now::bigint
