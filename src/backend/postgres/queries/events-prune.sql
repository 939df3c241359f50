-- Drops stored change-feed batches older than :before.
-- Params: :before.
DELETE FROM spool.events WHERE at < :before::bigint
