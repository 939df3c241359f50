-- Removes one job that is not running.
-- Params: :id.
-- Returns: queue, state, has_dependents, has_dependencies (no row: running or missing).
DELETE FROM spool.jobs WHERE id = :id::text AND state <> 'running'
RETURNING queue, state, has_dependents, cardinality(depends_on) > 0 AS has_dependencies
