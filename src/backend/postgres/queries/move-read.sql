-- The jobs of a held move batch with what the record does not show (jobMoveRead, seam/move.ts):
-- a spawn waiter's policy and the job's limits.
-- Params: :ids (text[]).
-- Returns: every column of spool.jobs.
SELECT * FROM spool.jobs WHERE id = ANY(:ids::text[]) ORDER BY id
