-- One page of jobs, {{first}}, among ids in [:lo, :hi]: a created-time range walks only the ids
-- between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
-- through the primary key. Ids follow creation closely, so nearly every id there is in the
-- range; each row is still checked against every filter, so a wide span costs time, never a
-- wrong row. `+created_at` keeps the planner on the primary key (the page is in id order).
-- Params: :lo, :hi (inclusive), and as job-list.sql (:states NULL or a JSON array; :after
--   never NULL).
-- Returns: every column.
SELECT * FROM spool_jobs
WHERE id >= :lo AND id <= :hi
  AND (:queue IS NULL OR queue = :queue)
  AND (:states IS NULL OR state IN (SELECT value FROM json_each(:states)))
  AND (:task IS NULL OR task = :task)
  AND (:key IS NULL OR key = :key)
  AND (:created_after IS NULL OR +created_at >= :created_after)
  AND (:created_before IS NULL OR +created_at < :created_before)
  AND id {{cmp}} :after
  AND (:search IS NULL OR spool_contains_ci(
    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),
    :search
  ))
ORDER BY id {{order}}
LIMIT :limit
