-- The state and queue of a dedupe key's job (no row: the job is gone).
-- Params: :id.
-- Returns: state, queue.
SELECT state, queue FROM spool.jobs WHERE id = :id::text
