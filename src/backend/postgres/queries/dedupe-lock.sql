-- Takes a dedupe key's row, locked until the transaction ends: inserted for :job_id at :now when
-- the key has none (then job_id = :job_id comes back), else the existing row unchanged. The
-- job's state is read by a later statement (dedupe-job.sql): this statement's snapshot may
-- predate the transaction it waited for, whose job it would not see.
-- Params: :task, :key, :job_id, :now.
-- Returns: job_id, first_at.
INSERT INTO spool.dedupe AS d (task, key, job_id, first_at)
VALUES (:task::text, :key::text, :job_id::text, :now::bigint)
ON CONFLICT (task, key) DO UPDATE SET task = d.task
RETURNING d.job_id, d.first_at
