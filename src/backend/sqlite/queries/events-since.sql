-- Change-feed rows after a sequence number, oldest first.
-- Params: :seq, :limit.
-- Returns: seq, events.
SELECT seq, events FROM spool_events WHERE seq > :seq ORDER BY seq LIMIT :limit
