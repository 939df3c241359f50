-- Inserts a moved-in workflow record unless its id exists (jobImport).
-- Params: :id, :name, :policy, :state, :spec, :total, :counts (JSON or NULL), :created_at, :finished_at.
INSERT INTO spool_workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)
VALUES (:id, :name, :policy, :state, :spec, :total, :counts, :created_at, :finished_at)
ON CONFLICT (id) DO NOTHING
