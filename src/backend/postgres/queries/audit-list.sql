-- A page of audit entries, newest first, before the cursor id (primary key order).
-- Params: :before (id or NULL), :limit.
-- Returns: id, entry.
SELECT id, entry FROM spool.audit WHERE (:before::text IS NULL OR id < :before::text) ORDER BY id DESC LIMIT :limit::bigint
