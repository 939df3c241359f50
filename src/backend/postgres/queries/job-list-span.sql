-- One page of jobs, {{first}}, among ids in [:lo, :hi]: a created-time range walks only the ids
-- between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
-- through the primary key. Each row is still checked against every filter.
-- Params: :lo, :hi (inclusive), and as job-list.sql.
-- Returns: every column.
SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
FROM spool.jobs AS j
WHERE j.id >= :lo::text AND j.id <= :hi::text
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))
  AND (:task::text IS NULL OR j.task = :task::text)
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (:search::text IS NULL OR strpos(lower(
    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')
  ), :search::text) > 0)
ORDER BY j.id {{order}}
LIMIT :limit::bigint
