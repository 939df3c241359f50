-- One schedule by name.
-- Params: :name.
-- Returns: every schedules column.
SELECT name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at FROM spool.schedules WHERE name = :name::text
