-- Drops a schedule's runs beyond its newest :keep (right after one was added).
-- Params: :name, :keep.
DELETE FROM spool_schedule_runs
WHERE name = :name AND seq <= (SELECT max(seq) FROM spool_schedule_runs WHERE name = :name) - :keep
