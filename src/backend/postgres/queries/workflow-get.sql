-- One workflow record.
-- Params: :id.
-- Returns: every column.
SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE id = :id::text
