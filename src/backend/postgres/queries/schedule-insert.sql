-- Creates a schedule unless the name exists (no row back then: another process created it).
-- Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused, :now.
-- Returns: name.
INSERT INTO spool.schedules (name, spec, trigger_key, anchor_at, next_fire_at, paused, created_at, updated_at)
VALUES (:name::text, :spec::text, :trigger_key::text, :anchor_at::bigint, :next_fire_at::bigint, :paused::boolean,
  :now::bigint, :now::bigint)
ON CONFLICT (name) DO NOTHING
RETURNING name
