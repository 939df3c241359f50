-- Deletes a moved-out workflow record (jobMoveDelete; its jobs have left this store).
-- Params: :id.
DELETE FROM spool_workflows WHERE id = :id
