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
{{> job-columns}}
  FROM spool.jobs AS j
  WHERE j.state >= s.state AND j.state <= s.state
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:task::text IS NULL OR j.task = :task::text)
  {{> job-list-filters}}
  ORDER BY j.state {{order}}, j.id {{order}}
  LIMIT :limit::bigint
) AS p
ORDER BY p.id {{order}}
LIMIT :limit::bigint
