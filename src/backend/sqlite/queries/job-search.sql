-- One page of jobs whose search text contains :search (3+ characters), {{first}}. The
-- trigram index (spool_jobs_search, migration 0005) finds the candidate rows (a document's rowid
-- is the job's rowid * 4 + part), plus the jobs with documents not indexed yet; each is checked
-- again against its own fields
-- (case-insensitive, as String.toLowerCase), then the other filters.
-- Params: :phrase (the search as an FTS5 phrase), :search (lower-case), :queue, :states (JSON
--   array), :task, :key, :created_after, :created_before, :after (cursor), :limit.
-- Returns: every column.
SELECT j.* FROM spool_jobs j
WHERE j.rowid IN (
    SELECT rowid >> 2 FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase
    UNION SELECT doc >> 2 FROM spool_jobs_search_pending
  )
  AND (:queue IS NULL OR j.queue = :queue)
  AND (:states IS NULL OR j.state IN (SELECT value FROM json_each(:states)))
  AND (:task IS NULL OR j.task = :task)
  AND (:key IS NULL OR j.key = :key)
  AND (:created_after IS NULL OR j.created_at >= :created_after)
  AND (:created_before IS NULL OR j.created_at < :created_before)
  AND (:after IS NULL OR j.id {{cmp}} :after)
  AND (
    spool_contains_ci(j.id, :search)
    OR spool_contains_ci(coalesce(j.key, ''), :search)
    OR spool_contains_ci(j.input, :search)
    OR spool_contains_ci(coalesce(j.result, ''), :search)
    OR (j.errors <> '[]' AND EXISTS (
      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)
    ))
  )
ORDER BY j.id {{order}}
LIMIT :limit
