-- 0062_flow_live: the strategy at the cap (docs/flow-control.md, "Strategy at the cap") reads a
-- cap group's live (queued or running) jobs, oldest first, inside the enqueue's transaction.
CREATE INDEX jobs_flow_live ON spool.jobs (task, flow_key, created_at, id)
  WHERE state IN ('queued', 'running') AND flow_key IS NOT NULL;
