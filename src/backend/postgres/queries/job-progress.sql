-- Stores the progress of a running job fenced by :token.
-- Params: :id, :token, :progress (JSON object), :now.
-- Returns: queue (no row: refused).
UPDATE spool.jobs SET progress = :progress::jsonb, updated_at = :now::bigint
WHERE id = :id::text AND state = 'running' AND lease_token = :token::text
RETURNING queue
