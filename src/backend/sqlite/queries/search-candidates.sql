-- How many candidate documents a search has, counted up to :cap: the index's matches plus the
-- documents not indexed yet. Few: the index finds the jobs; many: walking the jobs newest first
-- fills a page sooner (search.ts).
-- Params: :phrase, :cap.
-- Returns: n.
SELECT
  (SELECT count(*) FROM (SELECT 1 FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase LIMIT :cap)) +
  (SELECT count(*) FROM (SELECT 1 FROM spool_jobs_search_pending LIMIT :cap)) AS n
