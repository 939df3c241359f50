-- 0082_flow_groups: the fair claim reads one group (task + limit key) at a time through an index,
-- and goes on from claim to claim round the groups (docs/flow-control.md, "Fairness between
-- keys"), as SQLite does since its 0051. Before, one window query numbered and sorted every
-- queued job of the queue on every fair claim, so its cost grew with the backlog.
-- Queued jobs with limits by group, each group in claim order: the walk from group to group is
-- one seek per step (`(task, flow_key) > (…)`), and a group's next jobs one range read.
CREATE INDEX jobs_flow_groups ON spool.jobs (queue, task, flow_key, priority DESC, run_at, id)
  WHERE state = 'queued' AND flow_key IS NOT NULL;
-- Queued jobs without limits, in claim order: the fair claim serves them as one more group.
-- Without it, finding the next job without limits in a queue full of jobs with limits walks
-- them all (jobs_ready holds both).
CREATE INDEX jobs_plain_ready ON spool.jobs (queue, priority DESC, run_at, id)
  WHERE state = 'queued' AND flow_key IS NULL;
-- Where each queue's round-robin between groups goes on: the last group a fair claim served
-- (task NULL: the group of jobs without limits). One row per queue that had a fair claim,
-- written under the fair claims' advisory lock (flow-lock.sql).
CREATE TABLE spool.flow_cursor (
  queue    text COLLATE "C" NOT NULL PRIMARY KEY,
  task     text COLLATE "C",
  flow_key text COLLATE "C"
);
