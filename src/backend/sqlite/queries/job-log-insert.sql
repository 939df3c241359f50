-- Appends one log line.
-- Params: :job_id, :attempt, :at, :level, :message.
INSERT INTO spool_job_logs (job_id, attempt, at, level, message) VALUES (:job_id, :attempt, :at, :level, :message)
