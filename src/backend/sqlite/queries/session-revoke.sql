-- Marks a session as logged out until it would have expired (keeps the later expiry).
-- Params: :id, :expires_at.
INSERT INTO spool_revoked_sessions (id, expires_at) VALUES (:id, :expires_at)
ON CONFLICT (id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)
