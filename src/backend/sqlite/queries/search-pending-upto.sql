-- The last of the next :limit documents waiting to be indexed (doc order), or no row.
-- Params: :limit.
-- Returns: doc.
SELECT doc FROM (SELECT doc FROM spool_jobs_search_pending ORDER BY doc LIMIT :limit) ORDER BY doc DESC LIMIT 1
