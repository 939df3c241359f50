-- What a fair claim reads first, in one round trip: the last group the queue's previous fair
-- claim served (kind 'c'; task NULL: the jobs without limits; no row: none yet), and every hold
-- in force (kind 'h': queues, tasks and keys; names and ends).
-- Params: :queue, :now. Returns: kind, name (cursor: task), flow_key (cursor only), until (holds only).
SELECT 'c' AS kind, task AS name, flow_key, NULL::bigint AS until FROM spool.flow_cursor WHERE queue = :queue::text
UNION ALL
SELECT 'h', name, NULL, until FROM spool.queue_holds WHERE until > :now::bigint
