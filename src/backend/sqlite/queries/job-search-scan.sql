-- One page of jobs whose search text contains :search, for searches too short for the trigram
-- index (1 or 2 characters): walks the jobs in id order, {{first}}, until the page is full.
-- Used with no state filter; one state at a time goes to job-search-scan-state.sql.
-- Params: as job-search.sql, without :phrase.
-- Returns: every column.
SELECT j.* FROM spool_jobs j
WHERE (:queue IS NULL OR j.queue = :queue)
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
