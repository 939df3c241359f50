-- Records one applied migration.
-- Params: :version, :name, :applied_at.
INSERT INTO spool_migrations (version, name, applied_at) VALUES (:version, :name, :applied_at)
