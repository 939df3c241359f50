-- One page of jobs in the given states, {{first}}: for each state (distinct), the walk of
-- jobs_state_id (migration 0063) in id order, stopped after one page; the pages merged by id.
-- `state = ANY(...)` on that index would read every job of those states and sort them. The
-- state is matched by `>= AND <=`, not `=`, and the inner ORDER BY names it: with `=` the planner
-- drops state from the order (it is constant) and may take the primary key and filter, which
-- read every job for a rare state (~3 s at 1M jobs); this way only jobs_state_id gives the
-- order without a sort.
-- Params: :states (text[], distinct), and as job-list.sql.
-- Returns: every column.
SELECT p.* FROM unnest(:states::text[]) AS s(state)
CROSS JOIN LATERAL (
SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
  j.updated_at, j.flow_key
  FROM spool.jobs AS j
  WHERE j.state >= s.state AND j.state <= s.state
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:task::text IS NULL OR j.task = :task::text)
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (:search::text IS NULL OR strpos(lower(
    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')
  ), :search::text) > 0)
  ORDER BY j.state {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
