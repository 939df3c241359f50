-- A manual run ("run now"): records its job as the schedule's last one; fire times stay.
-- Params: :name, :job_id, :now.
-- Returns: every spool_schedules column, after the update.
UPDATE spool_schedules SET last_job_id = :job_id, updated_at = :now WHERE name = :name
RETURNING *
