-- One page of one queue's jobs, {{first}}: the walk of jobs_queue_id (migration 0090) in id
-- order, stopped after one page. The queue is matched by `>= AND <=` and the inner ORDER BY names
-- it, so only that index gives the order without a sort (as in job-list-task.sql). No state or
-- task filter here (those go to job-list-state.sql and job-list-task.sql first).
-- Params: :queue, and as job-list.sql without :states and :task.
-- Returns: every column.
SELECT p.* FROM unnest(ARRAY[:queue::text]) AS t(queue)
CROSS JOIN LATERAL (
{{> job-columns}}
FROM spool.jobs AS j
WHERE j.queue >= t.queue AND j.queue <= t.queue
  {{> job-list-filters}}
  ORDER BY j.queue {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
