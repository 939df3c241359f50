-- Records the job just created for a dedupe key.
-- Params: :task, :key, :job_id, :first_at.
INSERT INTO spool_dedupe (task, key, job_id, first_at) VALUES (:task, :key, :job_id, :first_at)
ON CONFLICT (task, key) DO UPDATE SET job_id = excluded.job_id, first_at = excluded.first_at
