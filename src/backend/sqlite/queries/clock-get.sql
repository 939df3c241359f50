-- The store clock: the boot it belongs to and its offset (store time minus monotonic ms). No parameters.
SELECT boot, offset_ms FROM spool_clock WHERE id = 1
