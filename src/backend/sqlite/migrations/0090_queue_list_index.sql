-- (queue, id): a queue filter walks its queue's jobs in id order (job-list-queue.sql) and stops
-- after one page. The walk of every job in id order (job-list.sql) read every newer job of the
-- other queues first: a dashboard listing a quiet queue beside a busy one read the busy one's
-- whole backlog (60 ms behind 200,000 newer jobs, and growing with them). The queue is set once,
-- at insert, so the index costs one b-tree write per job created or deleted, none per state change.
CREATE INDEX IF NOT EXISTS spool_jobs_queue_id ON spool_jobs (queue, id);
