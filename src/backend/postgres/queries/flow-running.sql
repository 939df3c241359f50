-- Running jobs with limits of the tasks in :tasks, per task and limit key (the fair claim sums
-- them for a cap without a key).
-- Params: :tasks (text[]). Returns: task, flow_key, n.
SELECT task, flow_key, count(*)::int AS n FROM spool.jobs
WHERE state = 'running' AND flow_key IS NOT NULL AND task = ANY(:tasks::text[])
GROUP BY task, flow_key
