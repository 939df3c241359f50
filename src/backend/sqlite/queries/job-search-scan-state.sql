-- One page of jobs in one state whose search text contains :search, for searches too short for
-- the trigram index (1 or 2 characters), {{first}}: as job-search-scan.sql, but `state = :state`
-- with no OR around it, so the walk goes through spool_jobs_state_id (migration 0023) in id
-- order and reads only that state's jobs (behind `:states IS NULL OR ... json_each` the planner
-- walked every job). A filter on several states runs this once per state (search.ts).
-- Params: as job-search-scan.sql, with :state in place of :states.
-- Returns: every column.
SELECT j.* FROM spool_jobs j
WHERE (:queue IS NULL OR j.queue = :queue)
  AND j.state = :state
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
