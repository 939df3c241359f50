-- Forgets one worker.
-- Params: :id.
DELETE FROM spool.workers WHERE id = :id::text
