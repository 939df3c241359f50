-- Removes a schedule (its fired jobs stay).
-- Params: :name.
DELETE FROM spool_schedules WHERE name = :name
