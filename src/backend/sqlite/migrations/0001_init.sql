-- 0001_init: the first schema. Times are epoch milliseconds (INTEGER); JSON columns are TEXT.

-- One row per job. `lease_token` fences every transition of a running job; `has_dependents`
-- lets completion skip spool_job_deps entirely for the (common) job nobody waits for.
CREATE TABLE spool_jobs (
  id                   TEXT    NOT NULL PRIMARY KEY,
  task                 TEXT    NOT NULL,
  queue                TEXT    NOT NULL,
  state                TEXT    NOT NULL,
  priority             INTEGER NOT NULL,
  run_at               INTEGER NOT NULL,
  attempt              INTEGER NOT NULL DEFAULT 0,
  max_attempts         INTEGER NOT NULL,
  input                TEXT    NOT NULL,
  result               TEXT,
  errors               TEXT    NOT NULL DEFAULT '[]',
  progress             TEXT,
  key                  TEXT,
  meta                 TEXT    NOT NULL DEFAULT '{}',
  depends_on           TEXT    NOT NULL DEFAULT '[]',
  pending_dependencies INTEGER NOT NULL DEFAULT 0,
  has_dependents       INTEGER NOT NULL DEFAULT 0,
  lease_ms             INTEGER,
  timeout_ms           INTEGER,
  worker_id            TEXT,
  lease_token          TEXT,
  lease_expires_at     INTEGER,
  created_at           INTEGER NOT NULL,
  started_at           INTEGER,
  finished_at          INTEGER,
  updated_at           INTEGER NOT NULL
);

-- Indexes are partial, one per active state, so a transition touches only the indexes of the
-- states it leaves and enters (no index over every row's state: that would cost two more b-tree
-- writes per transition). Each also serves queueList's counts for its state.
-- Claim order inside a queue: priority DESC, run_at, id (created_at: covering for queueList).
CREATE INDEX spool_jobs_ready ON spool_jobs (queue, priority DESC, run_at, id, created_at) WHERE state = 'queued';
-- Promotion of due jobs and nextRunAt.
CREATE INDEX spool_jobs_due ON spool_jobs (queue, run_at) WHERE state = 'scheduled';
-- Lease rescue.
CREATE INDEX spool_jobs_leases ON spool_jobs (lease_expires_at, queue) WHERE state = 'running';
-- Jobs waiting on dependencies.
CREATE INDEX spool_jobs_waiting ON spool_jobs (queue) WHERE state = 'waiting';
-- Retention (finished jobs by age, oldest first).
CREATE INDEX spool_jobs_finished ON spool_jobs (state, finished_at, id) WHERE finished_at IS NOT NULL;
-- Idempotency keys: unique per task among retained jobs.
CREATE UNIQUE INDEX spool_jobs_key ON spool_jobs (task, key) WHERE key IS NOT NULL;

-- Dependency edges: child waits for parent.
CREATE TABLE spool_job_deps (
  parent_id TEXT NOT NULL,
  child_id  TEXT NOT NULL,
  PRIMARY KEY (parent_id, child_id)
) WITHOUT ROWID;
CREATE INDEX spool_job_deps_child ON spool_job_deps (child_id);

-- Queue flags. A queue without a row (or with paused = 0) runs.
CREATE TABLE spool_queues (
  name       TEXT    NOT NULL PRIMARY KEY,
  paused     INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

-- Job log lines, capped per job by the writer.
CREATE TABLE spool_job_logs (
  seq     INTEGER PRIMARY KEY,
  job_id  TEXT    NOT NULL,
  attempt INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  level   TEXT    NOT NULL,
  message TEXT    NOT NULL
);
CREATE INDEX spool_job_logs_job ON spool_job_logs (job_id, seq);

-- Worker heartbeats.
CREATE TABLE spool_workers (
  id           TEXT    NOT NULL PRIMARY KEY,
  host         TEXT    NOT NULL,
  pid          INTEGER NOT NULL,
  queues       TEXT    NOT NULL,
  concurrency  INTEGER NOT NULL,
  running      TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);

-- The change feed: one row per committed batch, `events` the batch's BackendEvents (grouped, see
-- change-feed.ts). No AUTOINCREMENT (it costs a sqlite_sequence write per commit): pruning
-- always keeps the newest row, so max(seq) never goes back and a seq is never reused.
CREATE TABLE spool_events (
  seq    INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  events TEXT    NOT NULL
);
