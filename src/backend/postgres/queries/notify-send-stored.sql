-- As notify-send.sql for a batch too large for a NOTIFY payload: stores it in spool.events and
-- notifies `:origin|@seq`.
-- Params: :channel, :origin, :at, :events (encoded batch).
WITH s AS (
  INSERT INTO spool.events (at, events) VALUES (:at::bigint, :events::text) RETURNING seq
)
SELECT set_config('synchronous_commit', 'off', true) AS relaxed,
  pg_notify(:channel::text, :origin::text || '|@' || s.seq::text) AS sent, s.seq
FROM s
