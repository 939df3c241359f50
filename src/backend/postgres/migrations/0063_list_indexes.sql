-- Reads that stay flat over a big store (issue 17): indexes the list statements walk, and
-- per-queue counts of finished jobs kept by triggers (counting them scanned every finished row:
-- ~1.1 s at 1M jobs).
--
-- (state, id): a state filter walks its state's jobs in id order (job-list-state.sql);
-- (created_at, id): a created-time range is read index-only to bound the id walk
-- (job-list-range-probe.sql, job-list-span.sql); (task, id): a task filter (job-list-task.sql).
-- Cost: every UPDATE of a job is already non-HOT (state is in the partial indexes'
-- predicates), so each index takes one more entry per update.
-- Writers wait while this runs (the indexes and the first counts must see every job).
LOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE INDEX IF NOT EXISTS jobs_state_id ON spool.jobs (state, id);
CREATE INDEX IF NOT EXISTS jobs_created ON spool.jobs (created_at, id);
CREATE INDEX IF NOT EXISTS jobs_task_id ON spool.jobs (task, id);

-- Deltas of the finished jobs per queue and state: each statement that finishes, un-finishes
-- or deletes jobs appends one row per (queue, state) it changed (appending: no row that every
-- completing transaction would update, so no lock that serializes them). queueList sums them;
-- retention folds them into one row per (queue, state) (finished-counts-fold.sql).
CREATE TABLE IF NOT EXISTS spool.finished_counts (
  queue text COLLATE "C" NOT NULL,
  state text NOT NULL,
  n     bigint NOT NULL
);

INSERT INTO spool.finished_counts (queue, state, n)
  SELECT queue, state, count(*) FROM spool.jobs
  WHERE state IN ('completed', 'failed', 'cancelled')
  GROUP BY queue, state;

-- Statement-level, with transition tables: one trigger run per statement (a completion batch is
-- one UPDATE), not one per row.
CREATE OR REPLACE FUNCTION spool.finished_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.finished_counts (queue, state, n)
    SELECT queue, state, count(*) FROM new_rows
    WHERE state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spool.finished_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.finished_counts (queue, state, n)
    SELECT queue, state, sum(d) FROM (
      SELECT n.queue, n.state, 1 AS d FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE n.state IN ('completed', 'failed', 'cancelled') AND (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)
      UNION ALL
      SELECT o.queue, o.state, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE o.state IN ('completed', 'failed', 'cancelled') AND (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)
    ) AS changes
    GROUP BY queue, state HAVING sum(d) <> 0;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spool.finished_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.finished_counts (queue, state, n)
    SELECT queue, state, -count(*) FROM old_rows
    WHERE state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS finished_counts_insert ON spool.jobs;
CREATE TRIGGER finished_counts_insert AFTER INSERT ON spool.jobs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_insert();
DROP TRIGGER IF EXISTS finished_counts_update ON spool.jobs;
CREATE TRIGGER finished_counts_update AFTER UPDATE ON spool.jobs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_update();
DROP TRIGGER IF EXISTS finished_counts_delete ON spool.jobs;
CREATE TRIGGER finished_counts_delete AFTER DELETE ON spool.jobs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_delete();
