-- Runs failed or cancelled jobs again: queued now, attempt count starting over.
-- Params: :ids (text[]), :now.
-- Returns: id, queue (missing ids were refused).
UPDATE spool.jobs SET
  state = 'queued',
  attempt = 0,
  run_at = :now::bigint,
  finished_at = NULL,
  pending_dependencies = 0,
  updated_at = :now::bigint
WHERE id = ANY(:ids::text[]) AND state IN ('failed', 'cancelled')
RETURNING id, queue
