-- Inserts a moved-in schedule with every field as the source stored it, unless the name exists.
-- Params: every column of spool.schedules.
-- Returns: name (no row: the name was taken).
INSERT INTO spool.schedules (
  name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at
) VALUES (
  :name::text, :spec::text, :trigger_key::text, :anchor_at::bigint, :next_fire_at::bigint, :last_fire_at::bigint,
  :last_job_id::text, :runs::bigint, :paused::boolean, :created_at::bigint, :updated_at::bigint
)
ON CONFLICT (name) DO NOTHING
RETURNING name
