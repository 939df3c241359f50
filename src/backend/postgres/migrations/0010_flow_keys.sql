-- 0010_flow_keys: per-task and per-key limits (docs/flow-control.md, "Task and key limits").
-- `flow_key` is the job's limit key ('' when its task's limits have no key; NULL when the task
-- has none), `flow` its limits as JSON ({"c":[limit,keyed],"r":[limit,perMs,burst,keyed]}),
-- both written at enqueue. Rate state of task and key groups lives in spool.flow_state, their
-- holds in spool.queue_holds (a group name holds a 0x1f separator, a queue's can not).
ALTER TABLE spool.jobs ADD COLUMN flow_key text COLLATE "C";
ALTER TABLE spool.jobs ADD COLUMN flow text;
-- Running jobs per task and key (the cap's count inside the claim).
CREATE INDEX jobs_flow_running ON spool.jobs (task, flow_key) WHERE state = 'running' AND flow_key IS NOT NULL;
-- Whether a queue has queued jobs with limits (the claim takes the fair path then).
CREATE INDEX jobs_flow_ready ON spool.jobs (queue, state) WHERE state IN ('queued', 'scheduled') AND flow_key IS NOT NULL;
CREATE TABLE spool.flow_state (
  grp text COLLATE "C" NOT NULL PRIMARY KEY,
  tat double precision NOT NULL
);
