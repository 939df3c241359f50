-- The newest change-feed sequence number ever issued (0 when none): subscribers start there.
-- Params: none.
-- Returns: seq.
SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'spool_events'), 0) AS seq
