-- Whether a queue's claim must take the fair path: it has queued jobs with limits, or a task
-- or key hold is on (their names hold a 0x1f separator).
-- Params: :queue, :now. Returns: one row when so.
SELECT 1 AS yes WHERE EXISTS (
  SELECT 1 FROM spool_jobs WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL
) OR EXISTS (
  SELECT 1 FROM spool_queue_holds WHERE until > :now AND instr(name, char(31)) > 0
)
