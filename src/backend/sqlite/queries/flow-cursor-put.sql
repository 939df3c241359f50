-- Stores the last group a queue's fair claim served. Params: :queue, :task, :key.
INSERT INTO spool_flow_cursor (queue, task, flow_key) VALUES (:queue, :task, :key)
ON CONFLICT (queue) DO UPDATE SET task = excluded.task, flow_key = excluded.flow_key
