-- One page of jobs, {{first}} (ids sort by creation). A NULL filter matches everything.
-- Params: :queue, :states (text[]), :task, :key, :created_after (inclusive),
--   :created_before (exclusive), :after (cursor: the last id of the previous page),
--   :search (lower-case substring of id, key or the last error message), :limit.
-- Returns: every column.
{{> job-columns}}
FROM spool.jobs AS j
WHERE (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))
  AND (:task::text IS NULL OR j.task = :task::text)
  {{> job-list-filters}}
ORDER BY j.id {{order}}
LIMIT :limit::bigint
