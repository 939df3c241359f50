-- One page of one task's jobs, {{first}}: `task = :task` with no OR around it lets the planner
-- walk spool_jobs_task_id (migration 0053) in id order and stop after one page (behind
-- `:task IS NULL OR` it walked every job). Other NULL filters match everything; :states is
-- NULL here (a state filter goes to job-list-state.sql first).
-- Params: :queue, :task, :key, :created_after, :created_before, :after (never NULL: see
--   job-list.sql), :search, :limit.
-- Returns: every column.
SELECT * FROM spool_jobs
WHERE task = :task
  AND (:queue IS NULL OR queue = :queue)
  {{> job-list-filters}}
ORDER BY id {{order}}
LIMIT :limit
