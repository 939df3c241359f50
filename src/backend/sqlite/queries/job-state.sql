-- The state of one job (no row when it does not exist).
-- Params: :id.
-- Returns: state.
SELECT state FROM spool_jobs WHERE id = :id
