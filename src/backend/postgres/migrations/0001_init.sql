-- 0001_init: the whole first schema. Every table lives in the backend's own schema, written
-- `spool.` here and renamed by the loader when the URL names another (`?schema=`). Times are
-- epoch milliseconds (bigint) read from the server's clock unless a test injects one; keys and
-- names use the "C" collation, so ids sort byte-wise as in every other backend.

-- One row per job. `lease_token` fences every transition of a running job; `has_dependents`
-- lets completion skip job_deps for the (common) job nobody waits for.
CREATE TABLE spool.jobs (
  id                   text COLLATE "C" NOT NULL PRIMARY KEY,
  task                 text COLLATE "C" NOT NULL,
  queue                text COLLATE "C" NOT NULL,
  state                text    NOT NULL,
  priority             bigint  NOT NULL,
  run_at               bigint  NOT NULL,
  attempt              bigint  NOT NULL DEFAULT 0,
  max_attempts         bigint  NOT NULL,
  input                text    NOT NULL,
  result               text,
  errors               jsonb   NOT NULL DEFAULT '[]',
  progress             jsonb,
  key                  text COLLATE "C",
  meta                 text    NOT NULL DEFAULT '{}',
  depends_on           text[]  NOT NULL DEFAULT '{}',
  pending_dependencies bigint  NOT NULL DEFAULT 0,
  has_dependents       boolean NOT NULL DEFAULT false,
  lease_ms             bigint,
  timeout_ms           bigint,
  worker_id            text,
  lease_token          text,
  lease_expires_at     bigint,
  created_at           bigint  NOT NULL,
  started_at           bigint,
  finished_at          bigint,
  updated_at           bigint  NOT NULL,
  workflow_id          text COLLATE "C"
) WITH (fillfactor = 85);

-- Partial indexes, one per active state: a transition touches only the indexes of the states it
-- leaves and enters, and finished jobs (however many are retained) are in none of the claim's.
CREATE INDEX jobs_ready ON spool.jobs (queue, priority DESC, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_due ON spool.jobs (queue, run_at) WHERE state = 'scheduled';
CREATE INDEX jobs_leases ON spool.jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_waiting ON spool.jobs (queue) WHERE state = 'waiting';
CREATE INDEX jobs_finished ON spool.jobs (state, finished_at, id) WHERE finished_at IS NOT NULL;
CREATE UNIQUE INDEX jobs_key ON spool.jobs (task, key) WHERE key IS NOT NULL;
CREATE INDEX jobs_workflow ON spool.jobs (workflow_id, state) WHERE workflow_id IS NOT NULL;

-- Dependency edges: child waits for parent.
CREATE TABLE spool.job_deps (
  parent_id text COLLATE "C" NOT NULL,
  child_id  text COLLATE "C" NOT NULL,
  PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX job_deps_child ON spool.job_deps (child_id);

-- Queue flags. A queue without a row runs.
CREATE TABLE spool.queues (
  name       text COLLATE "C" NOT NULL PRIMARY KEY,
  paused     boolean NOT NULL DEFAULT false,
  updated_at bigint  NOT NULL
);

-- Job log lines, capped per job by the writer.
CREATE TABLE spool.job_logs (
  seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id  text COLLATE "C" NOT NULL,
  attempt bigint NOT NULL,
  at      bigint NOT NULL,
  level   text   NOT NULL,
  message text   NOT NULL
);
CREATE INDEX job_logs_job ON spool.job_logs (job_id, seq);

-- Worker heartbeats.
CREATE TABLE spool.workers (
  id           text COLLATE "C" NOT NULL PRIMARY KEY,
  host         text   NOT NULL,
  pid          bigint NOT NULL,
  queues       text   NOT NULL,
  concurrency  bigint NOT NULL,
  running      text   NOT NULL,
  started_at   bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  expires_at   bigint NOT NULL
);

-- Change-feed batches too large for a NOTIFY payload (8,000 bytes): the notification carries
-- the row's seq and listeners read the row. Rows are pruned after a few minutes.
CREATE TABLE spool.events (
  seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at     bigint NOT NULL,
  events text   NOT NULL
);

-- Schedules: the scheduler computes fire times, the store compare-and-sets next_fire_at.
CREATE TABLE spool.schedules (
  name         text COLLATE "C" NOT NULL PRIMARY KEY,
  spec         text    NOT NULL,
  trigger_key  text    NOT NULL,
  anchor_at    bigint  NOT NULL,
  next_fire_at bigint,
  last_fire_at bigint,
  last_job_id  text,
  runs         bigint  NOT NULL DEFAULT 0,
  paused       boolean NOT NULL DEFAULT false,
  created_at   bigint  NOT NULL,
  updated_at   bigint  NOT NULL
);

-- Workflow records; `state` stays 'running' until retention settles it (every job final).
CREATE TABLE spool.workflows (
  id          text COLLATE "C" NOT NULL PRIMARY KEY,
  name        text   NOT NULL,
  policy      text   NOT NULL,
  state       text   NOT NULL,
  spec        text   NOT NULL,
  total       bigint NOT NULL,
  counts      jsonb,
  created_at  bigint NOT NULL,
  finished_at bigint
);
CREATE INDEX workflows_running ON spool.workflows (id) WHERE state = 'running';

-- The audit log (UUIDv7 ids: the primary key is the newest-first order) and revoked sessions.
CREATE TABLE spool.audit (
  id    text COLLATE "C" NOT NULL PRIMARY KEY,
  at    bigint NOT NULL,
  entry text   NOT NULL
);
CREATE INDEX audit_at ON spool.audit (at);

CREATE TABLE spool.revoked_sessions (
  id         text COLLATE "C" NOT NULL PRIMARY KEY,
  expires_at bigint NOT NULL
);
