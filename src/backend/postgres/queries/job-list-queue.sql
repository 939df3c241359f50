-- One page of one queue's jobs, {{first}}: the walk of jobs_queue_id (migration 0090) in id
-- order, stopped after one page. The queue is matched by `>= AND <=` and the inner ORDER BY names
-- it, so only that index gives the order without a sort (as in job-list-task.sql). No state or
-- task filter here (those go to job-list-state.sql and job-list-task.sql first).
-- Params: :queue, and as job-list.sql without :states and :task.
-- Returns: every column.
SELECT p.* FROM unnest(ARRAY[:queue::text]) AS t(queue)
CROSS JOIN LATERAL (
SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
FROM spool.jobs AS j
WHERE j.queue >= t.queue AND j.queue <= t.queue
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (:search::text IS NULL OR strpos(lower(
    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')
  ), :search::text) > 0)
  ORDER BY j.queue {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
