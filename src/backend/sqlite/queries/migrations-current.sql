-- The highest applied migration version (0 on a fresh database).
-- Params: none.
-- Returns: version.
SELECT coalesce(max(version), 0) AS version FROM spool_migrations
