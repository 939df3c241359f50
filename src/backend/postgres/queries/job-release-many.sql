-- Gives running jobs fenced by their tokens back to queued without counting the attempt.
-- Params: :ids, :tokens (text[]), :now.
-- Returns: id, queue (missing ids were refused).
UPDATE spool.jobs AS j SET
  state = 'queued',
  attempt = greatest(0, j.attempt - 1),
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now::bigint
FROM unnest(:ids::text[], :tokens::text[]) AS b(id, token)
WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token
RETURNING j.id, j.queue
