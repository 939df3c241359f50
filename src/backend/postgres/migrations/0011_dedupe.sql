-- 0011_dedupe: dedupe windows (docs/flow-control.md, src/backend/dedupe-rule.ts). Per (task,
-- dedupe key), the job last created for the key and when (first_at, store ms). An enqueue with a
-- dedupe upserts its row first (dedupe-lock.sql), which locks it until the enqueue commits: the
-- enqueues of one key take turns, each seeing what the previous one committed. A row whose job
-- is gone (removed, pruned) matches nothing and is overwritten by the next enqueue.
CREATE TABLE spool.dedupe (
  task     text COLLATE "C" NOT NULL,
  key      text COLLATE "C" NOT NULL,
  job_id   text COLLATE "C" NOT NULL,
  first_at bigint NOT NULL,
  PRIMARY KEY (task, key)
);
