-- Listing jobs by created time and by task over a big store (issue 17: reads flat to 1M jobs).
-- Both columns are set once, at insert, so each index costs one b-tree write per job created
-- (and per job deleted), none per state change.
--
-- (created_at, id): a created-time range finds its jobs here (read index-only, capped) and
-- bounds the id walk of job-list-span.sql to the smallest and largest id among them, where the
-- walk in id order used to read every newer job before the first one in the range.
CREATE INDEX IF NOT EXISTS spool_jobs_created ON spool_jobs (created_at, id);
-- (task, id): a task filter walks its task's jobs in id order (job-list-task.sql) and stops
-- after one page, where the walk of every job read all the other tasks' jobs too.
CREATE INDEX IF NOT EXISTS spool_jobs_task_id ON spool_jobs (task, id);
