-- One page of running jobs, {{first}}: as job-list-state.sql, but spool_jobs_state_id leaves out
-- running jobs (migration 0077), so this walks spool_jobs_leases (running jobs only, bounded by
-- the leases held: concurrency x workers) and sorts that small set by id.
-- Params: as job-list-state.sql, without :state.
-- Returns: every column.
SELECT * FROM spool_jobs INDEXED BY spool_jobs_leases
WHERE (:queue IS NULL OR queue = :queue)
  AND state = 'running'
  AND (:task IS NULL OR task = :task)
  AND (:key IS NULL OR key = :key)
  AND (:created_after IS NULL OR created_at >= :created_after)
  AND (:created_before IS NULL OR created_at < :created_before)
  AND id {{cmp}} :after
  AND (:search IS NULL OR spool_contains_ci(
    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),
    :search
  ))
ORDER BY id {{order}}
LIMIT :limit
