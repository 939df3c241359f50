-- The next :window jobs in id order past the cursor, {{first}}, read index-only from the id
-- index: how many, their smallest and largest rowid (the range of search documents that can
-- belong to them: doc = rowid * 4 + part) and their smallest and largest id (the window as an
-- id range). A common word's page is then found among the index's matches in that rowid range
-- (job-search-window.sql) instead of by testing every job's text (search.ts).
-- Params: :after (cursor, or NULL), :window.
-- Returns: n, lo, hi, low_id, high_id.
SELECT count(*) AS n, min(r) AS lo, max(r) AS hi, min(id) AS low_id, max(id) AS high_id
FROM (
  SELECT rowid AS r, id FROM spool_jobs
  WHERE (:after IS NULL OR id {{cmp}} :after)
  ORDER BY id {{order}}
  LIMIT :window
)
