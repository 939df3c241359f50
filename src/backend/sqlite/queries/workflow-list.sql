-- A page of workflows, {{first}}, past the cursor id.
-- Params: :after (id or NULL), :limit.
-- Returns: every column.
SELECT * FROM spool_workflows WHERE (:after IS NULL OR id {{cmp}} :after) ORDER BY id {{order}} LIMIT :limit
