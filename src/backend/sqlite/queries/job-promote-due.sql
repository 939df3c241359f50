-- Moves the scheduled jobs of one queue whose run_at has come to queued (claim does this first).
-- Params: :queue, :now.
UPDATE spool_jobs SET state = 'queued'
WHERE state = 'scheduled' AND queue = :queue AND run_at <= :now
