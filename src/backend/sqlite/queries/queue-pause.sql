-- Pauses a queue (claims skip it).
-- Params: :queue, :now.
INSERT INTO spool_queues (name, paused, updated_at) VALUES (:queue, 1, :now)
ON CONFLICT (name) DO UPDATE SET paused = 1, updated_at = :now
