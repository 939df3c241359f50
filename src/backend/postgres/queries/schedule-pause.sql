-- Pauses a schedule. Idempotent.
-- Params: :name, :now.
-- Returns: name (no row: none).
UPDATE spool.schedules SET paused = true, updated_at = :now::bigint WHERE name = :name::text RETURNING name
