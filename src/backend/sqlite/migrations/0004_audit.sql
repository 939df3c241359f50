-- 0004_audit: the audit log of admin actions and the ids of dashboard sessions ended by a logout.

-- One row per audited action. The id is a UUIDv7 (time order), so the primary key serves the
-- newest-first listing; `at` serves pruning by age. The entry itself is JSON: only its order
-- and age matter to the store.
CREATE TABLE spool_audit (
  id    TEXT    NOT NULL PRIMARY KEY,
  at    INTEGER NOT NULL,
  entry TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX spool_audit_at ON spool_audit (at);

-- Sessions logged out before they expired. A row is useless past `expires_at` (the session's
-- own signature refuses it then) and is pruned on the next revocation.
CREATE TABLE spool_revoked_sessions (
  id         TEXT    NOT NULL PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
