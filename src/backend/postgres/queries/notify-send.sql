-- Sends one change-feed notification (notifier.ts), after the commits it reports. Nothing here
-- needs to be durable (a notification is a nudge), so this transaction does not wait for a
-- WAL flush, and holds PostgreSQL's notify-queue lock only for an instant.
-- Params: :channel, :payload.
SELECT set_config('synchronous_commit', 'off', true) AS relaxed, pg_notify(:channel::text, :payload::text) AS sent
