-- One workflow record.
-- Params: :id.
-- Returns: every column.
SELECT * FROM spool_workflows WHERE id = :id
