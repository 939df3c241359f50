-- Whether a session is logged out (and not yet past its own expiry).
-- Params: :id, :now.
-- Returns: one row when revoked.
SELECT 1 AS revoked FROM spool.revoked_sessions WHERE id = :id::text AND expires_at > :now::bigint
