-- One page of jobs, {{first}} (ids sort by creation). A NULL filter matches everything.
-- Params: :queue, :states (text[]), :task, :key, :created_after (inclusive),
--   :created_before (exclusive), :after (cursor: the last id of the previous page),
--   :search (lower-case substring of id, key or the last error message), :limit.
-- Returns: every column.
SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
FROM spool.jobs AS j
WHERE (:queue::text IS NULL OR j.queue = :queue::text)
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
