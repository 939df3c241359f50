-- 0014_schedule_runs (dash, issue 18): each schedule's recent fires for the dashboard's "last
-- runs": a fire that enqueued a job, a manual run (fire_at NULL), or a skipped fire (job_id
-- NULL, skipped = why). Written in the fire's own transaction, which holds the schedule's row
-- lock, so `seq` (per schedule) has one writer at a time; the fire that adds a row drops those
-- beyond the last 20 of its schedule. Removing a schedule removes its runs (its jobs stay).
CREATE TABLE spool.schedule_runs (
  name    text COLLATE "C" NOT NULL REFERENCES spool.schedules (name) ON DELETE CASCADE,
  seq     bigint NOT NULL,
  at      bigint NOT NULL,
  fire_at bigint,
  job_id  text,
  skipped text,
  PRIMARY KEY (name, seq)
);
