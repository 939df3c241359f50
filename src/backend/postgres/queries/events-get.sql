-- One stored change-feed batch.
-- Params: :seq.
-- Returns: events (no row: pruned).
SELECT events FROM spool.events WHERE seq = :seq::bigint
