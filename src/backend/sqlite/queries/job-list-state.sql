-- One page of jobs in one state, {{first}}: `state = :state` with no OR around it lets the
-- planner walk spool_jobs_state_id (migration 0023) in id order and stop after one page (behind
-- `:states IS NULL OR ... json_each` it walked every job). Any other NULL filter matches everything.
-- Params: :queue, :state, :task, :key, :created_after (inclusive),
--   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
--   reads.ts passes a bound past every id, so `id {{cmp}} :after` is always a seek on the index:
--   behind `:after IS NULL OR` it was a filter, and page k read k pages),
--   :search (case-insensitive substring of id, key or the last error message), :limit.
-- Returns: every column.
SELECT * FROM spool_jobs
WHERE (:queue IS NULL OR queue = :queue)
  AND state = :state
  AND (:task IS NULL OR task = :task)
  {{> job-list-filters}}
ORDER BY id {{order}}
LIMIT :limit
