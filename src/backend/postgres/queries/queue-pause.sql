-- Pauses a queue (claims skip it).
-- Params: :queue, :now.
INSERT INTO spool.queues (name, paused, updated_at) VALUES (:queue::text, true, :now::bigint)
ON CONFLICT (name) DO UPDATE SET paused = true, updated_at = excluded.updated_at
