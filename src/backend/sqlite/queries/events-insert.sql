-- Appends one change-feed row: the events of one committed batch.
-- Params: :at, :events (JSON array of BackendEvents).
INSERT INTO spool_events (at, events) VALUES (:at, :events)
