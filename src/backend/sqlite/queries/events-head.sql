-- The newest change-feed sequence number (0 when none): subscribers start there.
-- Params: none.
-- Returns: seq.
SELECT coalesce(max(seq), 0) AS seq FROM spool_events
