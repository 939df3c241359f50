-- 0024_schedule_runs (dash, issue 18): each schedule's recent fires for the dashboard's "last
-- runs": a fire that enqueued a job, a manual run (fire_at NULL), or a skipped fire (job_id
-- NULL, skipped = why). Written in the fire's own transaction; the fire that adds a row drops
-- those beyond the last 20 of its schedule, so the table stays at 20 rows per schedule. `seq`
-- counts per schedule (fires of one schedule are serialized by the write lock).
CREATE TABLE spool_schedule_runs (
  name    TEXT    NOT NULL,
  seq     INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  fire_at INTEGER,
  job_id  TEXT,
  skipped TEXT,
  PRIMARY KEY (name, seq)
) WITHOUT ROWID;

-- A removed schedule takes its runs along (its jobs stay).
CREATE TRIGGER spool_schedule_runs_removed AFTER DELETE ON spool_schedules BEGIN
  DELETE FROM spool_schedule_runs WHERE name = old.name;
END;
