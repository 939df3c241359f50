-- Forgets one worker.
-- Params: :id.
DELETE FROM spool_workers WHERE id = :id
