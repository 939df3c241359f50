-- Resumes a schedule; a paused one gets the next fire time computed from now (time spent
-- paused is not a misfire). Resuming an active schedule changes nothing else.
-- Params: :name, :next_fire_at, :now.
UPDATE spool_schedules SET
  next_fire_at = CASE WHEN paused THEN :next_fire_at ELSE next_fire_at END,
  paused = 0,
  updated_at = :now
WHERE name = :name
