-- Appends one audit entry; an id already stored is left as it is (appends are idempotent).
-- Params: :id, :at, :entry (JSON).
INSERT OR IGNORE INTO spool_audit (id, at, entry) VALUES (:id, :at, :entry)
