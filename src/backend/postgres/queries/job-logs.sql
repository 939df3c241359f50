-- The newest :limit log lines of one job, newest first.
-- Params: :job_id, :limit.
-- Returns: at, level, message, attempt.
SELECT at, level, message, attempt FROM spool.job_logs WHERE job_id = :job_id::text ORDER BY seq DESC LIMIT :limit::bigint
