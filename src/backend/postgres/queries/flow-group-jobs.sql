-- More queued jobs of some groups (task, limit key) of a queue, each in claim order (priority
-- DESC, run_at, id; index jobs_flow_groups): group i's :ns[i] jobs after its first :skips[i].
-- Params: :queue, :tasks (text[]), :keys (text[]), :skips (bigint[]), :ns (bigint[]).
-- Returns: i (the group's place in the arrays, from 1), id, flow; by i, then claim order.
SELECT g.i, j.id, j.flow
FROM unnest(:tasks::text[], :keys::text[], :skips::bigint[], :ns::bigint[])
  WITH ORDINALITY AS g(task, flow_key, skip, n, i)
CROSS JOIN LATERAL (
  SELECT id, flow, priority, run_at FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text AND task = g.task AND flow_key = g.flow_key
  ORDER BY priority DESC, run_at, id
  LIMIT g.n OFFSET g.skip
) AS j
ORDER BY g.i, j.priority DESC, j.run_at, j.id
