-- Removes one job that is not running, with the rows that only describe it: its follow-up
-- templates (a job that ended without taking them: cancelled, removed) and the dedupe row that
-- records it (a row whose job is gone matches nothing). Both only when the job was removed.
-- Params: :id.
-- Returns: queue, state, has_dependents, has_dependencies (no row: running or missing).
WITH j AS (
  DELETE FROM spool.jobs WHERE id = :id::text AND state <> 'running'
  RETURNING id, queue, state, has_dependents, cardinality(depends_on) > 0 AS has_dependencies
),
f AS (DELETE FROM spool.follow_ups WHERE parent_id IN (SELECT id FROM j WHERE has_dependents)),
d AS (DELETE FROM spool.dedupe WHERE job_id IN (SELECT id FROM j))
SELECT queue, state, has_dependents, has_dependencies FROM j
