-- Records the job just created for a dedupe key (its row is locked by dedupe-lock.sql).
-- Params: :task, :key, :job_id, :now.
UPDATE spool.dedupe SET job_id = :job_id::text, first_at = :now::bigint
WHERE task = :task::text AND key = :key::text
