-- Whether any document waits to be indexed.
-- Returns: one row (any) or none.
SELECT 1 AS any FROM spool_jobs_search_pending LIMIT 1
