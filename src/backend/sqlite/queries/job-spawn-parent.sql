-- The running parent of a spawn, fenced by :token.
-- Params: :id, :token.
-- Returns: depends_on, workflow_id (no row: refused).
SELECT depends_on, workflow_id FROM spool_jobs WHERE id = :id AND state = 'running' AND lease_token = :token
