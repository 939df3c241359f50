-- Removes a schedule (its fired jobs stay).
-- Params: :name.
-- Returns: name (no row: none).
DELETE FROM spool.schedules WHERE name = :name::text RETURNING name
