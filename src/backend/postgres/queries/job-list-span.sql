-- One page of jobs, {{first}}, among ids in [:lo, :hi]: a created-time range walks only the ids
-- between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
-- through the primary key. Each row is still checked against every filter.
-- Params: :lo, :hi (inclusive), and as job-list.sql.
-- Returns: every column.
{{> job-columns}}
FROM spool.jobs AS j
WHERE j.id >= :lo::text AND j.id <= :hi::text
  AND (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))
  AND (:task::text IS NULL OR j.task = :task::text)
  {{> job-list-filters}}
ORDER BY j.id {{order}}
LIMIT :limit::bigint
