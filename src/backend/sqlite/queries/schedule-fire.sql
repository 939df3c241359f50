-- The compare-and-set of one fire: moves next_fire_at on only if it still holds the fire time
-- the caller saw and the schedule is not paused. With a job (:job_id not null) runs grows by one
-- and last_fire_at / last_job_id record the fire. No row returned: another caller fired first.
-- Params: :name, :expected_fire_at, :next_fire_at, :job_id (null: a skipped fire), :now.
-- Returns: every spool_schedules column, after the update.
UPDATE spool_schedules SET
  next_fire_at = :next_fire_at,
  last_fire_at = CASE WHEN :job_id IS NULL THEN last_fire_at ELSE :expected_fire_at END,
  last_job_id = coalesce(:job_id, last_job_id),
  runs = runs + (:job_id IS NOT NULL),
  updated_at = :now
WHERE name = :name AND next_fire_at = :expected_fire_at AND paused = 0
RETURNING *
