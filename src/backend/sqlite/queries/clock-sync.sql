-- Parameters: :boot (this boot's id), :offset_ms (this process's wall clock minus monotonic ms).
-- Sets the store clock's offset when there is none, or when the host booted again since it was
-- set (the monotonic clock restarted); otherwise keeps it, so every process shares it.
INSERT INTO spool_clock (id, boot, offset_ms) VALUES (1, :boot, :offset_ms)
ON CONFLICT (id) DO UPDATE SET boot = excluded.boot, offset_ms = excluded.offset_ms
WHERE spool_clock.boot <> excluded.boot
