-- Redefines a schedule. With the same trigger (:retrigger = 0) its anchor, next fire time, runs
-- and pause state stay; with a new trigger (:retrigger = 1) the anchor and next fire time reset.
-- Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :retrigger (0/1), :now.
UPDATE spool_schedules SET
  spec = :spec,
  trigger_key = :trigger_key,
  anchor_at = CASE WHEN :retrigger THEN :anchor_at ELSE anchor_at END,
  next_fire_at = CASE WHEN :retrigger THEN :next_fire_at ELSE next_fire_at END,
  updated_at = :now
WHERE name = :name
