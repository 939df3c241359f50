-- The last group a queue's fair claim served (task NULL: the jobs without limits).
-- Params: :queue. Returns: task, flow_key.
SELECT task, flow_key FROM spool.flow_cursor WHERE queue = :queue::text
