-- One stretch of a queue's ring of groups (a task's queued jobs with one limit key) in
-- (task, flow_key) order: the groups after (:after_task, :after_key) — pass ('', '') to start
-- at the first, task names are never empty — and, when :upto_task is not NULL, at most up to
-- (:upto_task, :upto_key), at most :groups of them; each with its first jobs in claim order
-- (priority DESC, run_at, id), about :room spread over the groups found. A group of a task
-- not in :tasks comes back without jobs. Each step of the walk is one seek of jobs_flow_groups
-- (a loose index scan), so the cost does not grow with the number of queued jobs.
-- Params: :queue, :after_task, :after_key, :upto_task, :upto_key, :groups, :room,
--   :tasks (text[] or NULL for any).
-- Returns: n (the group's place in the stretch, from 1), task, flow_key, then id and flow of
--   one job (NULL when the group brings none), ordered by n then claim order.
WITH RECURSIVE walk AS (
  SELECT 1 AS n, f.task, f.flow_key FROM (
    SELECT task, flow_key FROM spool.jobs
    WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NOT NULL
      AND (task, flow_key) > (:after_task::text, :after_key::text)
    ORDER BY task, flow_key
    LIMIT 1
  ) AS f
  WHERE :upto_task::text IS NULL OR (f.task, f.flow_key) <= (:upto_task::text, :upto_key::text)
  UNION ALL
  SELECT w.n + 1, nx.task, nx.flow_key FROM walk AS w
  CROSS JOIN LATERAL (
    SELECT task, flow_key FROM spool.jobs
    WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NOT NULL
      AND (task, flow_key) > (w.task, w.flow_key)
    ORDER BY task, flow_key
    LIMIT 1
  ) AS nx
  WHERE w.n < :groups::bigint
    AND (:upto_task::text IS NULL OR (nx.task, nx.flow_key) <= (:upto_task::text, :upto_key::text))
),
found AS (SELECT count(*) AS c FROM walk)
SELECT w.n, w.task, w.flow_key, j.id, j.flow FROM walk AS w
CROSS JOIN found
LEFT JOIN LATERAL (
  SELECT id, flow, priority, run_at FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text AND task = w.task AND flow_key = w.flow_key
    AND (:tasks::text[] IS NULL OR w.task = ANY(:tasks::text[]))
  ORDER BY priority DESC, run_at, id
  LIMIT greatest(1, ceil(:room::numeric / found.c))
) AS j ON true
ORDER BY w.n, j.priority DESC, j.run_at, j.id
