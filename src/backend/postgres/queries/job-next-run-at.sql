-- The earliest run_at among the scheduled jobs of the given queues.
-- Params: :queues (text[]).
-- Returns: run_at (NULL when none).
SELECT min(run_at) AS run_at FROM spool.jobs WHERE state = 'scheduled' AND queue = ANY(:queues::text[])
