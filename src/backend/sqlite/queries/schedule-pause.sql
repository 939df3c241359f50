-- Pauses a schedule. Idempotent.
-- Params: :name, :now.
UPDATE spool_schedules SET paused = 1, updated_at = :now WHERE name = :name
