-- 0009_clock: the store clock (see src/backend/store-clock.ts). Store time is the host's
-- monotonic clock plus `offset_ms`; the first process of a boot sets the offset from its wall
-- clock, every other process of that boot reads it, so all judge leases and due times on one
-- clock that never steps. (Numbered 0009 so that parallel branches' 0005-0008 stay free.)
CREATE TABLE spool_clock (
  id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  boot      TEXT    NOT NULL,
  offset_ms REAL    NOT NULL
);
