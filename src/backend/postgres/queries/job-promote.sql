-- Runs scheduled (delayed) jobs now: queued, due at :now.
-- Params: :ids (text[]), :now.
-- Returns: id, queue (missing ids were refused: not scheduled).
UPDATE spool.jobs SET
  state = 'queued',
  run_at = :now::bigint,
  updated_at = :now::bigint
WHERE id = ANY(:ids::text[]) AND state = 'scheduled'
RETURNING id, queue
