-- Records one applied migration.
-- Params: :version, :name, :applied_at.
INSERT INTO spool.migrations (version, name, applied_at) VALUES (:version::bigint, :name::text, :applied_at::bigint)
