-- 0021_dedupe: dedupe windows (docs/flow-control.md, src/backend/dedupe-rule.ts). Per (task,
-- dedupe key), the job last created for the key and when (first_at, store ms). An enqueue with a
-- dedupe reads and writes its row inside its own write transaction (SQLite has one writer), so
-- concurrent enqueues of one key, from any process, see each other's rows in order. A row whose
-- job is gone (removed, pruned) matches nothing and is overwritten by the next enqueue.
CREATE TABLE spool_dedupe (
  task     TEXT    NOT NULL,
  key      TEXT    NOT NULL,
  job_id   TEXT    NOT NULL,
  first_at INTEGER NOT NULL,
  PRIMARY KEY (task, key)
) WITHOUT ROWID;
