-- Holds a queue until :until, or longer if it already is.
-- Params: :queue, :until.
INSERT INTO spool_queue_holds (name, until) VALUES (:queue, :until)
ON CONFLICT (name) DO UPDATE SET until = max(until, excluded.until)
