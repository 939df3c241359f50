-- A page of workflows, newest first, before the cursor id.
-- Params: :after (id or NULL), :limit.
-- Returns: every column.
SELECT * FROM spool_workflows WHERE (:after IS NULL OR id < :after) ORDER BY id DESC LIMIT :limit
