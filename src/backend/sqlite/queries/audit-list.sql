-- A page of audit entries, newest first, before the cursor id (primary key order).
-- Params: :before (id or NULL), :limit.
-- Returns: id, entry.
SELECT id, entry FROM spool_audit WHERE (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit
