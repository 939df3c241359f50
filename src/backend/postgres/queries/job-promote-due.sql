-- Moves the scheduled jobs of one queue whose run_at has come to queued (claim does this first).
-- Rows another claim is promoting are skipped, not waited for.
-- Params: :queue, :now.
UPDATE spool.jobs SET state = 'queued'
WHERE id IN (
  SELECT id FROM spool.jobs
  WHERE state = 'scheduled' AND queue = :queue::text AND run_at <= :now::bigint
  FOR UPDATE SKIP LOCKED
)
