-- Debounce / replace: the pending job of a dedupe key takes the new input, and for debounce a
-- new run time and the state it implies (computed by dedupe-rule.ts; NULL keeps them).
-- Params: :id, :input, :run_at, :state, :now.
-- Returns: state (no row: the job started meanwhile; cannot happen inside the write lock).
UPDATE spool_jobs SET
  input = :input,
  run_at = coalesce(:run_at, run_at),
  state = coalesce(:state, state),
  updated_at = :now
WHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')
RETURNING state
