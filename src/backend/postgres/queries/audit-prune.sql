-- Removes up to :limit entries older than :before, oldest first (through the `at` index).
-- Params: :before, :limit.
-- Returns: one row per removed entry.
DELETE FROM spool.audit WHERE id IN (
  SELECT id FROM spool.audit WHERE at < :before::bigint ORDER BY at LIMIT :limit::bigint
)
RETURNING 1 AS removed
