-- A child of the spawn waiter :id ended failed or cancelled: under 'fail' the waiter is released
-- at once (its resume fails it), under 'continue' the child counts like a completion.
-- Params: :id, :now.
-- Returns: queue, state (no row: not a waiting spawn waiter).
UPDATE spool_jobs SET
  pending_dependencies = CASE WHEN spawn_policy = 'fail' THEN 0 ELSE max(0, pending_dependencies - 1) END,
  state = CASE
    WHEN spawn_policy = 'fail' OR pending_dependencies <= 1 THEN CASE WHEN run_at > :now THEN 'scheduled' ELSE 'queued' END
    ELSE state
  END,
  run_at = CASE WHEN (spawn_policy = 'fail' OR pending_dependencies <= 1) AND run_at < :now THEN :now ELSE run_at END,
  updated_at = :now
WHERE id = :id AND state = 'waiting' AND spawn_policy IS NOT NULL
RETURNING queue, state
