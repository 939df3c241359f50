-- Deletes a moved-out workflow record (jobMoveDelete; its jobs have left this store).
-- Params: :ids (text[]).
DELETE FROM spool.workflows WHERE id = ANY(:ids::text[])
