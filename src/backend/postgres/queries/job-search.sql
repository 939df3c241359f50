-- One page of jobs, {{first}}, with :search (lower-case) in one of their fields: id, key,
-- input, result or an error message (src/backend/search.ts). A scan in id order until the page
-- is full (no text index yet). Other params as job-list.sql.
-- Returns: every column.
{{> job-columns}}
FROM spool.jobs AS j
WHERE (:queue::text IS NULL OR j.queue = :queue::text)
  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))
  AND (:task::text IS NULL OR j.task = :task::text)
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (
    strpos(lower(j.id), :search::text) > 0
    OR strpos(lower(coalesce(j.key, '')), :search::text) > 0
    OR strpos(lower(j.input), :search::text) > 0
    OR strpos(lower(coalesce(j.result, '')), :search::text) > 0
    OR EXISTS (
      SELECT 1 FROM jsonb_array_elements(j.errors) AS e
      WHERE strpos(lower(coalesce(e ->> 'message', '')), :search::text) > 0
    )
  )
ORDER BY j.id {{order}}
LIMIT :limit::bigint
