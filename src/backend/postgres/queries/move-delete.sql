-- Deletes one moved-out job (jobMoveDelete): one the mover holds (running under :token) or a
-- finished one it copied. Anything else (claimed by a worker, put back) stays. Its follow-up
-- templates and its dedupe row go with it (as in job-delete.sql).
-- Params: :id, :token.
-- Returns: queue, state, has_dependents, has_dependencies (no row: skipped).
WITH j AS (
  DELETE FROM spool.jobs
  WHERE id = :id::text
    AND ((state = 'running' AND lease_token = :token::text) OR state IN ('completed', 'failed', 'cancelled'))
  RETURNING id, queue, state, has_dependents, cardinality(depends_on) > 0 AS has_dependencies
),
f AS (DELETE FROM spool.follow_ups WHERE parent_id IN (SELECT id FROM j WHERE has_dependents)),
d AS (DELETE FROM spool.dedupe WHERE job_id IN (SELECT id FROM j))
SELECT queue, state, has_dependents, has_dependencies FROM j
