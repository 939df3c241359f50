-- 0092_state_counts: per-queue counts of every state, not only the finished ones, so queueList
-- answers in constant time however long the backlog. The live states were counted from their
-- partial indexes: 90 ms for a queue of 1,000,000 queued jobs, growing with it (PostgreSQL made
-- the same move in its 0091).
--
-- SQLite has only row triggers, and the hot transitions would each run a trigger body per job:
-- one per insert, two per claim, one per completion, measured at the store (30,000 jobs, five
-- alternating runs) as 8% of bulk enqueue and 6% of claim + complete. So those three are counted
-- by their callers, once per queue and state and statement (counts.ts, state-counts-add.sql),
-- which costs nothing measurable. The three:
--   * an insert in a live state: every INSERT into spool_jobs (job-insert-rows.sql,
--     move-insert.sql) is followed by the caller's count (counts.ts);
--   * a claim (queued -> running, starting an attempt): job-claim.sql, job-claim-tasks.sql,
--     flow-claim.sql; the caller counts the rows each returns;
--   * a completion (running -> completed): job-complete.sql and job-complete-many.sql, as since
--     0017.
-- The triggers below count every other, rarer transition (a job moved by spool move is running
-- without a new attempt, so its trigger counts it). An INSERT, claim or completion written
-- anywhere else must count itself: the conformance suite on SQLite checks the counts against
-- count(*) after each of its tests (test/conformance/sqlite.test.ts).

ALTER TABLE spool_finished_counts RENAME TO spool_state_counts;

DROP TRIGGER spool_finished_counts_insert;
DROP TRIGGER spool_finished_counts_enter;
DROP TRIGGER spool_finished_counts_leave;
DROP TRIGGER spool_finished_counts_move;
DROP TRIGGER spool_finished_counts_delete;

INSERT INTO spool_state_counts (queue, state, n)
  SELECT queue, state, count(*) FROM spool_jobs
  WHERE state IN ('waiting', 'scheduled', 'queued', 'running')
  GROUP BY queue, state;

CREATE TRIGGER spool_state_counts_insert AFTER INSERT ON spool_jobs
WHEN new.state IN ('completed', 'failed', 'cancelled') BEGIN
  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

-- A trigger's WHEN costs little; its body is what is dear, and neither body runs for a claim or
-- a completion.
CREATE TRIGGER spool_state_counts_enter AFTER UPDATE OF state ON spool_jobs
WHEN old.state IS NOT new.state AND new.state <> 'completed'
  AND NOT (old.state = 'queued' AND new.state = 'running' AND new.attempt > old.attempt) BEGIN
  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER spool_state_counts_leave AFTER UPDATE OF state ON spool_jobs
WHEN old.state IS NOT new.state AND NOT (old.state = 'running' AND new.state = 'completed')
  AND NOT (old.state = 'queued' AND new.state = 'running' AND new.attempt > old.attempt) BEGIN
  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;

-- A change of queue and state in one UPDATE is counted by leave (old queue) and enter (new queue).
CREATE TRIGGER spool_state_counts_move AFTER UPDATE OF queue ON spool_jobs
WHEN old.queue IS NOT new.queue AND old.state = new.state BEGIN
  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)
    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER spool_state_counts_delete AFTER DELETE ON spool_jobs BEGIN
  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;
END;
