-- 0020_flow_keys: per-task and per-key limits (docs/flow-control.md, "Task and key limits").
-- `flow_key` is the job's limit key ('' when its task's limits have no key; NULL when the task
-- has none), `flow` its limits as JSON ({"c":[limit,keyed],"r":[limit,perMs,burst,keyed]}),
-- both written at enqueue. Rate state and holds of task and key groups live in
-- spool_flow_state and spool_queue_holds (a group name holds a 0x1f separator, a queue's can not).
ALTER TABLE spool_jobs ADD COLUMN flow_key TEXT;
ALTER TABLE spool_jobs ADD COLUMN flow TEXT;
-- Running jobs per task and key (the cap's count inside the claim).
CREATE INDEX spool_jobs_flow_running ON spool_jobs (task, flow_key) WHERE state = 'running' AND flow_key IS NOT NULL;
-- Whether a queue has queued jobs with limits (the claim takes the fair path then).
CREATE INDEX spool_jobs_flow_ready ON spool_jobs (queue) WHERE state = 'queued' AND flow_key IS NOT NULL;
CREATE TABLE spool_flow_state (
  grp TEXT NOT NULL PRIMARY KEY,
  tat REAL NOT NULL
) WITHOUT ROWID;
