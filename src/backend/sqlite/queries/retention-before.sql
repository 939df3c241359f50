-- Finished jobs of one state that finished before :before, oldest first (retention by age).
-- Params: :state, :before, :limit.
-- Returns: id.
SELECT id FROM spool_jobs
WHERE state = :state AND finished_at IS NOT NULL AND finished_at < :before
ORDER BY finished_at, id
LIMIT :limit
