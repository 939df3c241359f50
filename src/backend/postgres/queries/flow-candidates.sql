-- The fair claim's candidates in one queue (docs/flow-control.md, "Fairness between keys"):
-- queued jobs dealt into rounds, a group's n-th job (claim order: priority DESC, run_at, id)
-- in round n; rounds in turn, each in claim order. A group is a task's jobs with one limit
-- key; jobs without limits (flow_key NULL) form one group. At most :scan rows come back.
-- Params: :queue, :tasks (text[] or NULL for any), :room, :scan.
-- Returns: id, task, flow_key, flow.
SELECT id, task, flow_key, flow FROM (
  SELECT id, task, flow_key, flow, priority, run_at,
    row_number() OVER (
      PARTITION BY CASE WHEN flow_key IS NULL THEN NULL ELSE task END, flow_key
      ORDER BY priority DESC, run_at, id
    ) AS rn
  FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text
    AND (:tasks::text[] IS NULL OR task = ANY(:tasks::text[]))
) AS c
WHERE rn <= :room::bigint
ORDER BY rn, priority DESC, run_at, id
LIMIT :scan::bigint
