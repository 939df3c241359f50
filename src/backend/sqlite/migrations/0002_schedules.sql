-- 0002_schedules: persistent schedules. Backends store and compare-and-set; the scheduler
-- (src/scheduler) computes fire times. `spec` is the scheduler's JSON definition, opaque here.
-- `next_fire_at` is the compare-and-set target: a fire succeeds only if it still holds the fire
-- time the scheduler saw, and the same transaction inserts the fire's job.
CREATE TABLE spool_schedules (
  name         TEXT    NOT NULL PRIMARY KEY,
  spec         TEXT    NOT NULL,
  trigger_key  TEXT    NOT NULL,
  anchor_at    INTEGER NOT NULL,
  next_fire_at INTEGER,
  last_fire_at INTEGER,
  last_job_id  TEXT,
  runs         INTEGER NOT NULL DEFAULT 0,
  paused       INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
