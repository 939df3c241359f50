-- Stores the progress of a running job fenced by :token.
-- Params: :id, :token, :progress (JSON object), :now.
-- Returns: queue (no row: refused).
UPDATE spool_jobs SET progress = json(:progress), updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue
