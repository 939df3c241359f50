-- Several jobs (in no particular order).
-- Params: :ids (JSON array of ids).
-- Returns: every column.
SELECT * FROM spool_jobs WHERE id IN (SELECT value FROM json_each(:ids))
