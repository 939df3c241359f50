-- Locks the parents a new job depends on and flags them as having dependents, returning their
-- state after any concurrent transition committed: a parent completing at the same moment either
-- finished first (the child sees `completed`) or waits for this insert and then finds the edge.
-- Params: :ids (text[]).
-- Returns: id, state.
UPDATE spool.jobs SET has_dependents = true WHERE id = ANY(:ids::text[]) RETURNING id, state
