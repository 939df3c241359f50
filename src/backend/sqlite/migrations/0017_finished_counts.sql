-- 0017_finished_counts (numbered after issue 17, clear of the other branches' numbers): per-queue
-- counts of finished jobs (completed, failed, cancelled), kept by triggers, so queueList answers in constant time however many finished jobs are retained
-- (counting them scanned every finished row: ~0.5 s at 1M jobs). The active states keep being
-- counted from their partial indexes (small: they hold only unfinished jobs). Only transitions
-- into or out of a finished state, and deletes of finished jobs, touch this table.

CREATE TABLE spool_finished_counts (
  queue TEXT    NOT NULL,
  state TEXT    NOT NULL,
  n     INTEGER NOT NULL,
  PRIMARY KEY (queue, state)
) WITHOUT ROWID;

INSERT INTO spool_finished_counts (queue, state, n)
  SELECT queue, state, count(*) FROM spool_jobs
  WHERE state IN ('completed', 'failed', 'cancelled')
  GROUP BY queue, state;

CREATE TRIGGER spool_finished_counts_insert AFTER INSERT ON spool_jobs
WHEN new.state IN ('completed', 'failed', 'cancelled') BEGIN
  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

-- One statement per trigger and a cheap WHEN, so the common transitions (queued -> running,
-- running -> queued, running -> completed) run no trigger body. Completions, the hot path, are
-- counted by jobComplete (jobs.ts: one finished-counts-add.sql per queue and batch), so the
-- enter trigger covers failed and cancelled only: every UPDATE that completes a job must add
-- to the counter itself (job-complete.sql and job-complete-many.sql are the only ones).
CREATE TRIGGER spool_finished_counts_enter AFTER UPDATE OF state ON spool_jobs
WHEN old.state IS NOT new.state AND new.state IN ('failed', 'cancelled') BEGIN
  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER spool_finished_counts_leave AFTER UPDATE OF state ON spool_jobs
WHEN old.state IS NOT new.state AND old.state IN ('completed', 'failed', 'cancelled') BEGIN
  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;

CREATE TRIGGER spool_finished_counts_move AFTER UPDATE OF queue ON spool_jobs
WHEN old.queue IS NOT new.queue AND old.state = new.state AND new.state IN ('completed', 'failed', 'cancelled')
BEGIN
  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER spool_finished_counts_delete AFTER DELETE ON spool_jobs
WHEN old.state IN ('completed', 'failed', 'cancelled') BEGIN
  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;
