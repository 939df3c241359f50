-- A running job, if :token still fences it.
-- Params: :id, :token.
-- Returns: queue, attempt.
SELECT queue, attempt FROM spool_jobs WHERE id = :id AND state = 'running' AND lease_token = :token
