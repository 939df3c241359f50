-- Finished jobs of one state beyond the newest :keep, oldest first (retention by count): the
-- oldest (count - :keep) of them.
-- Params: :state, :keep, :limit.
-- Returns: id.
SELECT id FROM spool_jobs
WHERE state = :state AND finished_at IS NOT NULL
ORDER BY finished_at, id
LIMIT max(0, min(:limit, (SELECT count(*) FROM spool_jobs WHERE state = :state AND finished_at IS NOT NULL) - :keep))
