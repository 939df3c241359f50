-- Whether a queue's claim must take the fair path: it has queued jobs with limits, or a task
-- or key hold is on (their names hold a 0x1f separator). Every claim asks, so it must be one
-- seek: INDEXED BY, because the planner otherwise walked spool_jobs_state_id (every queued job
-- of every queue: 117 ms per plain claim at 100,000 queued).
-- Params: :queue, :now. Returns: one row when so.
SELECT 1 AS yes WHERE EXISTS (
  SELECT 1 FROM spool_jobs INDEXED BY spool_jobs_flow_groups
  WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL
) OR EXISTS (
  SELECT 1 FROM spool_queue_holds WHERE until > :now AND instr(name, char(31)) > 0
)
