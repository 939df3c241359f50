-- The dedupe entries naming jobs of a move batch (jobMoveRead). No index on job_id: a batch
-- reads the table once, which a move pays per batch and nothing else does.
-- Params: :ids (text[]).
-- Returns: task, key, job_id, first_at.
SELECT task, key, job_id, first_at FROM spool.dedupe WHERE job_id = ANY(:ids::text[])
