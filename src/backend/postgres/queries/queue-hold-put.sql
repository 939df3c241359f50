-- Holds a queue until :until, or longer if it already is.
-- Params: :queue, :until.
INSERT INTO spool.queue_holds AS h (name, until) VALUES (:queue::text, :until::bigint)
ON CONFLICT (name) DO UPDATE SET until = greatest(h.until, excluded.until)
