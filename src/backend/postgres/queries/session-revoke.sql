-- Marks a session as logged out until it would have expired (keeps the later expiry).
-- Params: :id, :expires_at.
INSERT INTO spool.revoked_sessions (id, expires_at) VALUES (:id::text, :expires_at::bigint)
ON CONFLICT (id) DO UPDATE SET expires_at = greatest(spool.revoked_sessions.expires_at, excluded.expires_at)
