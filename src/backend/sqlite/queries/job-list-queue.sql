-- One page of one queue's jobs, {{first}}: `queue = :queue` with no OR around it lets the planner
-- walk spool_jobs_queue_id (migration 0090) in id order and stop after one page (the walk of
-- every job read the other queues' newer jobs first). Other NULL filters match everything;
-- :states and :task are NULL here (a state filter goes to job-list-state.sql, a task filter to
-- job-list-task.sql first).
-- Params: :queue, :key, :created_after, :created_before, :after (never NULL: see job-list.sql),
--   :search, :limit.
-- Returns: every column.
SELECT * FROM spool_jobs
WHERE queue = :queue
  {{> job-list-filters}}
ORDER BY id {{order}}
LIMIT :limit
