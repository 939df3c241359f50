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
  AND (:key IS NULL OR key = :key)
  AND (:created_after IS NULL OR created_at >= :created_after)
  AND (:created_before IS NULL OR created_at < :created_before)
  AND id {{cmp}} :after
  AND (:search IS NULL OR spool_contains_ci(
    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),
    :search
  ))
ORDER BY id {{order}}
LIMIT :limit
