-- Completes a batch of running jobs, each only if its token still fences it; progress (if any)
-- goes to 100%. One statement for the batch (ids must be distinct: the caller checks).
-- Params: :ids, :tokens, :results (text[], same length), :now.
-- Returns: id, queue, attempt, has_dependents of each completed job (missing ids were refused).
UPDATE spool.jobs AS j SET
  state = 'completed',
  result = b.result,
  progress = CASE WHEN j.progress IS NULL THEN NULL ELSE jsonb_set(j.progress, '{percent}', '100') END,
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now::bigint,
  updated_at = :now::bigint
FROM unnest(:ids::text[], :tokens::text[], :results::text[]) AS b(id, token, result)
WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token
RETURNING j.id, j.queue, j.attempt, j.has_dependents
