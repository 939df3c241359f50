-- Appends audit entries; an id already stored is left as it is (appends are idempotent).
-- Params: :ids, :ats (bigint[]), :entries (JSON text[]).
INSERT INTO spool.audit (id, at, entry)
SELECT * FROM unnest(:ids::text[], :ats::bigint[], :entries::text[])
ON CONFLICT (id) DO NOTHING
