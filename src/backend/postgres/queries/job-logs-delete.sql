-- Removes the log lines of one job.
-- Params: :job_id.
DELETE FROM spool.job_logs WHERE job_id = :job_id::text
