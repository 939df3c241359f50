-- One page of running jobs whose search text contains :search, {{first}}: as
-- job-search-scan-state.sql, but spool_jobs_state_id leaves out running jobs (migration 0077), so
-- this walks spool_jobs_leases (running jobs only, bounded by the leases held) and sorts by id.
-- Params: as job-search-scan-state.sql, without :state.
-- Returns: every column.
SELECT j.* FROM spool_jobs j INDEXED BY spool_jobs_leases
WHERE (:queue IS NULL OR j.queue = :queue)
  AND j.state = 'running'
  AND (:task IS NULL OR j.task = :task)
  AND (:key IS NULL OR j.key = :key)
  AND (:created_after IS NULL OR j.created_at >= :created_after)
  AND (:created_before IS NULL OR j.created_at < :created_before)
  AND (:after IS NULL OR j.id {{cmp}} :after)
  AND (
    spool_contains_ci(j.id, :search)
    OR spool_contains_ci(coalesce(j.key, ''), :search)
    OR spool_contains_ci(j.input, :search)
    OR spool_contains_ci(coalesce(j.result, ''), :search)
    OR (j.errors <> '[]' AND EXISTS (
      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)
    ))
  )
ORDER BY j.id {{order}}
LIMIT :limit
