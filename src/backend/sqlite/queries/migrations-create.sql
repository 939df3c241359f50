-- Creates the migration ledger (before any migration can be recorded).
-- Params: none.
CREATE TABLE IF NOT EXISTS spool_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
)
