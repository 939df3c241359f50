-- Inserts a moved-in schedule with every field as the source stored it, unless the name exists.
-- Params: every column of spool_schedules (paused 0/1).
INSERT INTO spool_schedules (
  name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at
) VALUES (
  :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :last_fire_at, :last_job_id, :runs, :paused,
  :created_at, :updated_at
)
ON CONFLICT (name) DO NOTHING
