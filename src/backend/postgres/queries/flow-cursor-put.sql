-- Stores the last group a queue's fair claim served. Params: :queue, :task, :key.
INSERT INTO spool.flow_cursor (queue, task, flow_key) VALUES (:queue::text, :task::text, :key::text)
ON CONFLICT (queue) DO UPDATE SET task = excluded.task, flow_key = excluded.flow_key
