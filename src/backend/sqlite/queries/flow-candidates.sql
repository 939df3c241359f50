-- The fair claim's candidates in one queue (docs/flow-control.md, "Fairness between keys"):
-- queued jobs dealt into rounds, a group's n-th job (claim order: priority DESC, run_at, id)
-- in round n; rounds in turn, each in claim order. A group is a task's jobs with one limit
-- key; jobs without limits (flow_key NULL) form one group. Only the first :room rounds can
-- matter, and at most :scan rows are read back.
-- Params: :queue, :tasks (JSON array of task names, or NULL for any), :room, :scan.
-- Returns: rid (rowid), task, flow_key, flow.
SELECT rid, task, flow_key, flow FROM (
  SELECT rowid AS rid, task, flow_key, flow, priority, run_at, id,
    row_number() OVER (
      PARTITION BY CASE WHEN flow_key IS NULL THEN NULL ELSE task END, flow_key
      ORDER BY priority DESC, run_at, id
    ) AS rn
  FROM spool_jobs
  WHERE state = 'queued' AND queue = :queue
    AND (:tasks IS NULL OR task IN (SELECT value FROM json_each(:tasks)))
)
WHERE rn <= :room
ORDER BY rn, priority DESC, run_at, id
LIMIT :scan
