-- Indexes the waiting documents up to :upto (see migration 0005 for the document layout).
-- A result or error list that is empty again has nothing to index.
-- Params: :upto.
INSERT INTO spool_jobs_search (rowid, body)
SELECT
  p.doc,
  CASE p.doc & 3
    WHEN 0 THEN j.id || char(10) || coalesce(j.key, '') || char(10) || j.input
    WHEN 1 THEN j.result
    ELSE (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(j.errors) e)
  END
FROM spool_jobs_search_pending p JOIN spool_jobs j ON j.rowid = p.doc >> 2
WHERE p.doc <= :upto
  AND (p.doc & 3 = 0 OR (p.doc & 3 = 1 AND j.result IS NOT NULL) OR (p.doc & 3 = 2 AND j.errors <> '[]'))
