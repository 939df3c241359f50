-- Every applied migration version.
-- Params: none.
-- Returns: version.
SELECT version FROM spool.migrations
