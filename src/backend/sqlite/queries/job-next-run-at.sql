-- The earliest run_at among the scheduled jobs of one queue.
-- Params: :queue.
-- Returns: run_at (NULL when none).
SELECT min(run_at) AS run_at FROM spool_jobs WHERE state = 'scheduled' AND queue = :queue
