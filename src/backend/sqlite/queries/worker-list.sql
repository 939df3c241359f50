-- Workers seen within their ttl.
-- Params: :now.
-- Returns: every column.
SELECT * FROM spool_workers WHERE expires_at >= :now
