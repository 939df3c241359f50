-- Queued jobs of one group (task, limit key) in claim order: priority DESC, run_at, id
-- (index spool_jobs_flow_groups), from the :skip-th on.
-- Params: :queue, :task, :key, :n, :skip. Returns: rid (rowid), flow.
SELECT rowid AS rid, flow FROM spool_jobs INDEXED BY spool_jobs_flow_groups
WHERE state = 'queued' AND queue = :queue AND task = :task AND flow_key = :key
ORDER BY priority DESC, run_at, id
LIMIT :n OFFSET :skip
