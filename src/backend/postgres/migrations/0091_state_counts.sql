-- Per-queue counts of every state, kept by the triggers of 0063, which counted only the
-- finished states: the live ones (waiting, scheduled, queued, running) were counted from their
-- partial indexes at every queueList. PostgreSQL cannot count an index without visiting the
-- heap of rows changed since the last VACUUM, which for jobs in flight is all of them, so with
-- a backlog of 100,000 queued jobs a dashboard's `queues.list` took 240-500 ms while a worker
-- drained it (and grew with the backlog). Now every state's count is the sum of the deltas,
-- folded into one row per queue and state by each heartbeat and retention run
-- (state-counts-fold.sql).
-- Cost: a claim or a completion statement appends two delta rows where it appended zero or one.
-- Writers wait while this runs (the first live counts must see every job).
LOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE spool.finished_counts RENAME TO state_counts;

INSERT INTO spool.state_counts (queue, state, n)
  SELECT queue, state, count(*) FROM spool.jobs
  WHERE state NOT IN ('completed', 'failed', 'cancelled')
  GROUP BY queue, state;

DROP TRIGGER IF EXISTS finished_counts_insert ON spool.jobs;
DROP TRIGGER IF EXISTS finished_counts_update ON spool.jobs;
DROP TRIGGER IF EXISTS finished_counts_delete ON spool.jobs;
DROP FUNCTION IF EXISTS spool.finished_counts_insert();
DROP FUNCTION IF EXISTS spool.finished_counts_update();
DROP FUNCTION IF EXISTS spool.finished_counts_delete();

-- Statement-level, with transition tables: one trigger run per statement (a claim or a
-- completion batch is one UPDATE), not one per row; appending, so no counter row that every
-- transaction would lock.
CREATE OR REPLACE FUNCTION spool.state_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.state_counts (queue, state, n)
    SELECT queue, state, count(*) FROM new_rows GROUP BY queue, state;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spool.state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.state_counts (queue, state, n)
    SELECT queue, state, sum(d) FROM (
      SELECT n.queue, n.state, 1 AS d FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)
      UNION ALL
      SELECT o.queue, o.state, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)
    ) AS changes
    GROUP BY queue, state HAVING sum(d) <> 0;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spool.state_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.state_counts (queue, state, n)
    SELECT queue, state, -count(*) FROM old_rows GROUP BY queue, state;
  RETURN NULL;
END $$;

CREATE TRIGGER state_counts_insert AFTER INSERT ON spool.jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_insert();
CREATE TRIGGER state_counts_update AFTER UPDATE ON spool.jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_update();
CREATE TRIGGER state_counts_delete AFTER DELETE ON spool.jobs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_delete();
