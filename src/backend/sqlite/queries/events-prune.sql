-- Drops up to :batch of the oldest change-feed rows that are older than :before or beyond the
-- newest :keep rows, never the newest row (so sequence numbers are never reused). Looks at the
-- head of the table only, so it stays cheap.
-- Params: :batch, :before, :keep.
DELETE FROM spool_events
WHERE seq IN (SELECT seq FROM spool_events ORDER BY seq LIMIT :batch)
  AND seq < (SELECT max(seq) FROM spool_events)
  AND (at < :before OR seq <= (SELECT max(seq) FROM spool_events) - :keep)
