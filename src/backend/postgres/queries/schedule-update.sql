-- Redefines a schedule. With the same trigger (:retrigger false) its anchor, next fire time, runs
-- and pause state stay; with a new trigger the anchor and next fire time reset.
-- Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :retrigger, :now.
UPDATE spool.schedules SET
  spec = :spec::text,
  trigger_key = :trigger_key::text,
  anchor_at = CASE WHEN :retrigger::boolean THEN :anchor_at::bigint ELSE anchor_at END,
  next_fire_at = CASE WHEN :retrigger::boolean THEN :next_fire_at::bigint ELSE next_fire_at END,
  updated_at = :now::bigint
WHERE name = :name::text
