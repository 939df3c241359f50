-- One schedule by name.
-- Params: :name.
-- Returns: every spool_schedules column.
SELECT * FROM spool_schedules WHERE name = :name
