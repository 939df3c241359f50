-- Records one fire of a schedule (inside the fire's transaction), numbered after its last one.
-- Params: :name, :at, :fire_at (NULL: a manual run), :job_id (NULL: skipped), :skipped.
INSERT INTO spool_schedule_runs (name, seq, at, fire_at, job_id, skipped)
SELECT :name, coalesce(max(seq), 0) + 1, :at, :fire_at, :job_id, :skipped
FROM spool_schedule_runs WHERE name = :name
