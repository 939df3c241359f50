-- A running job, if :token still fences it (locked, so the lease holds until commit).
-- Params: :id, :token.
-- Returns: queue, attempt.
SELECT queue, attempt FROM spool.jobs WHERE id = :id::text AND state = 'running' AND lease_token = :token::text
FOR SHARE
