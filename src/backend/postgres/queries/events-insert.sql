-- Stores one change-feed batch too large for a NOTIFY payload.
-- Params: :at, :events (encoded batch).
-- Returns: seq.
INSERT INTO spool.events (at, events) VALUES (:at::bigint, :events::text) RETURNING seq
