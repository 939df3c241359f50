-- One page of one task's jobs, {{first}}: the walk of jobs_task_id (migration 0063) in id order,
-- stopped after one page. The task is matched by `>= AND <=` and the inner ORDER BY names it, so
-- only that index gives the order without a sort (as in job-list-state.sql: with `=` the planner
-- may take the primary key and filter, reading every job for a rare task). No state filter here.
-- Params: :task, and as job-list.sql without :states.
-- Returns: every column.
SELECT p.* FROM unnest(ARRAY[:task::text]) AS t(task)
CROSS JOIN LATERAL (
SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
FROM spool.jobs AS j
WHERE j.task >= t.task AND j.task <= t.task
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (:search::text IS NULL OR strpos(lower(
    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')
  ), :search::text) > 0)
  ORDER BY j.task {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
