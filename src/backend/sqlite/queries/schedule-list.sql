-- Every schedule, by name.
-- Returns: every spool_schedules column.
SELECT * FROM spool_schedules ORDER BY name
