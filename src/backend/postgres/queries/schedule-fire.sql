-- The compare-and-set of one fire: moves next_fire_at on only if it still holds the fire time
-- the caller saw and the schedule is not paused. With a job (:job_id not null) runs grows by one
-- and last_fire_at / last_job_id record the fire. A concurrent fire of the same time waits for
-- this row lock, then finds next_fire_at moved on. No row returned: another caller fired first.
-- Params: :name, :expected_fire_at, :next_fire_at, :job_id (null: a skipped fire), :now.
-- Returns: every schedules column, after the update.
UPDATE spool.schedules SET
  next_fire_at = :next_fire_at::bigint,
  last_fire_at = CASE WHEN :job_id::text IS NULL THEN last_fire_at ELSE :expected_fire_at::bigint END,
  last_job_id = coalesce(:job_id::text, last_job_id),
  runs = runs + CASE WHEN :job_id::text IS NULL THEN 0 ELSE 1 END,
  updated_at = :now::bigint
WHERE name = :name::text AND next_fire_at = :expected_fire_at::bigint AND NOT paused
RETURNING name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at
