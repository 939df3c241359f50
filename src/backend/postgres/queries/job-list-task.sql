-- One page of one task's jobs, {{first}}: the walk of jobs_task_id (migration 0063) in id order,
-- stopped after one page. The task is matched by `>= AND <=` and the inner ORDER BY names it, so
-- only that index gives the order without a sort (as in job-list-state.sql: with `=` the planner
-- may take the primary key and filter, reading every job for a rare task). No state filter here.
-- Params: :task, and as job-list.sql without :states.
-- Returns: every column.
SELECT p.* FROM unnest(ARRAY[:task::text]) AS t(task)
CROSS JOIN LATERAL (
{{> job-columns}}
FROM spool.jobs AS j
WHERE j.task >= t.task AND j.task <= t.task
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  {{> job-list-filters}}
  ORDER BY j.task {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
