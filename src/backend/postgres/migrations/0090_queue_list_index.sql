-- (queue, id): a queue filter walks its queue's jobs in id order (job-list-queue.sql) and stops
-- after one page. The walk of every job in id order read every newer job of the other queues
-- first: a dashboard listing a quiet queue beside a busy one read the busy one's whole backlog.
-- Cost as the list indexes of 0063: every UPDATE of a job is already non-HOT, so one more entry
-- per update.
-- Writers wait while this runs (the index must see every job).
LOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE INDEX IF NOT EXISTS jobs_queue_id ON spool.jobs (queue, id);
