-- A schedule's recent fires, newest first (the primary key walked backwards).
-- Params: :name, :limit.
-- Returns: at, fire_at, job_id, skipped.
SELECT at, fire_at, job_id, skipped FROM spool.schedule_runs
WHERE name = :name::text ORDER BY seq DESC LIMIT :limit::integer
