-- Keeps only the newest :keep log lines of one job.
-- Params: :job_id, :keep.
DELETE FROM spool.job_logs
WHERE job_id = :job_id::text AND seq <= (
  SELECT seq FROM spool.job_logs WHERE job_id = :job_id::text ORDER BY seq DESC OFFSET :keep::bigint LIMIT 1
)
