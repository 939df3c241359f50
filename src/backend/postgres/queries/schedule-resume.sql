-- Resumes a schedule; a paused one gets the next fire time computed from now (time spent
-- paused is not a misfire). Resuming an active schedule changes nothing else.
-- Params: :name, :next_fire_at, :now.
-- Returns: name (no row: none).
UPDATE spool.schedules SET
  next_fire_at = CASE WHEN paused THEN :next_fire_at::bigint ELSE next_fire_at END,
  paused = false,
  updated_at = :now::bigint
WHERE name = :name::text
RETURNING name
