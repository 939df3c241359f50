-- A won fire's job (inserted, or the one its idempotency key matched), recorded after the
-- compare-and-set (schedule-fire.sql, run with a null :job_id) and the insert: runs grows by
-- one and last_fire_at / last_job_id record the fire. Not run when the strategy at the cap
-- dropped the job: that fire counts as skipped.
-- Params: :name, :fire_at, :job_id, :now.
-- Returns: every spool_schedules column, after the update.
UPDATE spool_schedules SET
  last_fire_at = :fire_at,
  last_job_id = :job_id,
  runs = runs + 1,
  updated_at = :now
WHERE name = :name
RETURNING *
