-- Keeps only the newest :keep log lines of one job.
-- Params: :job_id, :keep.
DELETE FROM spool_job_logs
WHERE job_id = :job_id AND seq <= (
  SELECT seq FROM spool_job_logs WHERE job_id = :job_id ORDER BY seq DESC LIMIT 1 OFFSET :keep
)
