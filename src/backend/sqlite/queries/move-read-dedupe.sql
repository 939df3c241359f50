-- The dedupe entries naming jobs of a move batch (jobMoveRead). No index on job_id: a batch
-- reads the table once, which a move pays per batch and nothing else does.
-- Params: :ids (JSON array of job ids).
-- Returns: task, key, job_id, first_at.
SELECT task, key, job_id, first_at FROM spool_dedupe WHERE job_id IN (SELECT value FROM json_each(:ids))
