-- Records one fire of a schedule (inside the fire's transaction, which holds the schedule's row
-- lock), numbered after its last one.
-- Params: :name, :at, :fire_at (NULL: a manual run), :job_id (NULL: skipped), :skipped.
INSERT INTO spool.schedule_runs (name, seq, at, fire_at, job_id, skipped)
SELECT :name::text, coalesce(max(seq), 0) + 1, :at::bigint, :fire_at::bigint, :job_id::text, :skipped::text
FROM spool.schedule_runs WHERE name = :name::text
