-- One page of jobs, {{first}} (ids sort by creation). A NULL filter matches everything.
-- Walks every job in id order: a created-time range, a state or a task filter goes to a
-- statement that walks an index instead (reads.ts jobList), so no state filter is written here:
-- the newest page is a walk of `limit` entries of the id index (sqlite-list-plan.test.ts).
-- Params: :queue, :task, :key, :created_after (inclusive),
--   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
--   reads.ts passes a bound past every id, so `id {{cmp}} :after` is always a seek on the index:
--   behind `:after IS NULL OR` it was a filter, and page k read k pages),
--   :search (case-insensitive substring of id, key or the last error message), :limit.
-- Returns: every column.
SELECT * FROM spool_jobs
WHERE (:queue IS NULL OR queue = :queue)
  AND (:task IS NULL OR task = :task)
  {{> job-list-filters}}
ORDER BY id {{order}}
LIMIT :limit
