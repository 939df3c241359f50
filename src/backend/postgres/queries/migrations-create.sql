-- Creates the migration ledger (the runner holds the migration advisory lock).
-- Params: none.
CREATE TABLE IF NOT EXISTS spool.migrations (
  version    bigint NOT NULL PRIMARY KEY,
  name       text   NOT NULL,
  applied_at bigint NOT NULL
)
