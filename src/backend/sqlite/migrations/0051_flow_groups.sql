-- 0051_flow_groups: the fair claim reads one group (task + limit key) at a time through an index,
-- so a claim costs about the same with 100 or 100,000 queued jobs (docs/flow-control.md,
-- "Fairness between keys"). Before, one window query numbered and sorted every queued job of
-- the queue on every claim.
-- Queued jobs with limits by group, each group in claim order. It replaces
-- spool_jobs_flow_ready (same rows, so jobs with limits pay no extra index write; its (queue)
-- prefix still answers whether a queue has queued jobs with limits).
DROP INDEX IF EXISTS spool_jobs_flow_ready;
CREATE INDEX spool_jobs_flow_groups ON spool_jobs (queue, task, flow_key, priority DESC, run_at, id)
  WHERE state = 'queued' AND flow_key IS NOT NULL;
-- Queued jobs without limits, in claim order: the fair claim serves them as one more group. Without
-- it, finding the first job without limits in a queue full of jobs with limits walks them all.
CREATE INDEX spool_jobs_plain_ready ON spool_jobs (queue, priority DESC, run_at, id)
  WHERE state = 'queued' AND flow_key IS NULL;
-- Where each queue's round-robin between groups goes on: the last group a claim served (task
-- NULL: the group of jobs without limits). One row per queue that had a fair claim.
CREATE TABLE spool_flow_cursor (
  queue TEXT NOT NULL PRIMARY KEY,
  task TEXT,
  flow_key TEXT
) WITHOUT ROWID;
