-- Deletes one moved-out job (jobMoveDelete): one the mover holds (running under :token) or a
-- finished one it copied. Anything else (claimed by a worker, put back) stays.
-- Params: :id, :token.
-- Returns: queue, state, has_dependents, has_dependencies (no row: skipped).
DELETE FROM spool_jobs
WHERE id = :id
  AND ((state = 'running' AND lease_token = :token) OR state IN ('completed', 'failed', 'cancelled'))
RETURNING queue, state, has_dependents, depends_on <> '[]' AS has_dependencies
