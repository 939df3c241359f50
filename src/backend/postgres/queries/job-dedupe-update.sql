-- Debounce / replace: the pending job of a dedupe key takes the new input, and for debounce a
-- new run time and the state it implies (computed by dedupe-rule.ts; NULL keeps them).
-- Params: :id, :input, :run_at, :state, :now.
-- Returns: state, queue (no row: a worker claimed the job meanwhile; the enqueue creates a new one).
UPDATE spool.jobs SET
  input = :input::text,
  run_at = coalesce(:run_at::bigint, run_at),
  state = coalesce(:state::text, state),
  updated_at = :now::bigint
WHERE id = :id::text AND state IN ('waiting', 'scheduled', 'queued')
RETURNING state, queue
