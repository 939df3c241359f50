-- 0003_workflows: workflow records and the workflow each job belongs to.

-- The workflow of a job (NULL for plain jobs). The index serves counts per workflow, failFast
-- (its not-started jobs) and retention's "is this job's workflow still running" check.
ALTER TABLE spool_jobs ADD COLUMN workflow_id TEXT;
CREATE INDEX spool_jobs_workflow ON spool_jobs (workflow_id, state) WHERE workflow_id IS NOT NULL;

-- One row per workflow. `state` stays 'running' until retention settles it (every job final):
-- then `state`, `counts` (JSON StateCounts) and `finished_at` are frozen, so the record
-- outlives its pruned jobs. While running, readers compute state and counts from the jobs.
CREATE TABLE spool_workflows (
  id          TEXT    NOT NULL PRIMARY KEY,
  name        TEXT    NOT NULL,
  policy      TEXT    NOT NULL,
  state       TEXT    NOT NULL,
  spec        TEXT    NOT NULL,
  total       INTEGER NOT NULL,
  counts      TEXT,
  created_at  INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX spool_workflows_running ON spool_workflows (id) WHERE state = 'running';
