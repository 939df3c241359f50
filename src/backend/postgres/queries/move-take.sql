-- Takes locked not-started jobs out of circulation for `spool move` (seam/move.ts): `running`
-- under the mover's worker id and token with a lease that never expires, so no claim, rescue,
-- dependency release or workflow rule touches them. Other columns stay as they were.
-- Params: :ids (text[]), :worker_id, :token, :until, :now.
UPDATE spool.jobs
SET state = 'running', worker_id = :worker_id::text, lease_token = :token::text,
  lease_expires_at = :until::bigint, updated_at = :now::bigint
WHERE id = ANY(:ids::text[]) AND state IN ('waiting', 'scheduled', 'queued')
