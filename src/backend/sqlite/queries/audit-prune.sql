-- Removes up to :limit entries older than :before, oldest first (through the `at` index).
-- Params: :before, :limit.
DELETE FROM spool_audit WHERE id IN (SELECT id FROM spool_audit WHERE at < :before ORDER BY at LIMIT :limit)
