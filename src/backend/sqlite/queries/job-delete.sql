-- Removes one job that is not running.
-- Params: :id.
-- Returns: queue, state, has_dependents, has_dependencies (no row: running or missing).
DELETE FROM spool_jobs WHERE id = :id AND state <> 'running'
RETURNING queue, state, has_dependents, depends_on <> '[]' AS has_dependencies
