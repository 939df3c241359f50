-- Completes one running job if :token still fences it; progress (if any) goes to 100%.
-- Params: :id, :token, :result, :now.
-- Returns: queue, attempt, has_dependents (no row: refused).
UPDATE spool_jobs SET
  state = 'completed',
  result = :result,
  progress = CASE WHEN progress IS NULL THEN NULL ELSE json_set(progress, '$.percent', 100) END,
  lease_token = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue, attempt, has_dependents
