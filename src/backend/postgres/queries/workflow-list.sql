-- A page of workflows, {{first}}, past the cursor id.
-- Params: :after (id or NULL), :limit.
-- Returns: every column.
SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE (:after::text IS NULL OR id {{cmp}} :after::text) ORDER BY id {{order}} LIMIT :limit::bigint
