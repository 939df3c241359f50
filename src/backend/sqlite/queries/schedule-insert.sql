-- Creates a schedule (the caller checked that the name is free inside the same transaction).
-- Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused (0/1), :now.
INSERT INTO spool_schedules (name, spec, trigger_key, anchor_at, next_fire_at, paused, created_at, updated_at)
VALUES (:name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused, :now, :now)
