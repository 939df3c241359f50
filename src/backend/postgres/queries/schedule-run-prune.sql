-- Drops a schedule's runs beyond its newest :keep (right after one was added).
-- Params: :name, :keep.
DELETE FROM spool.schedule_runs
WHERE name = :name::text
  AND seq <= (SELECT max(seq) FROM spool.schedule_runs WHERE name = :name::text) - :keep::bigint
