-- One job.
-- Params: :id.
-- Returns: every column.
SELECT * FROM spool_jobs WHERE id = :id
