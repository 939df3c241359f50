-- A page of workflows, oldest first, after the cursor id.
-- Params: :after (id or NULL), :limit.
-- Returns: every column.
SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE (:after::text IS NULL OR id > :after::text) ORDER BY id LIMIT :limit::bigint
