-- A manual run ("run now"): records its job as the schedule's last one; fire times stay.
-- Params: :name, :job_id, :now.
-- Returns: every schedules column, after the update.
UPDATE spool.schedules SET last_job_id = :job_id::text, updated_at = :now::bigint WHERE name = :name::text
RETURNING name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at
