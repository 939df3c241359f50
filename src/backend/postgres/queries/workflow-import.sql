-- Inserts a moved-in workflow record unless its id exists (jobImport).
-- Params: :id, :name, :policy, :state, :spec, :total, :counts (JSON or NULL), :created_at, :finished_at.
INSERT INTO spool.workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)
VALUES (:id::text, :name::text, :policy::text, :state::text, :spec::text, :total::bigint, :counts::jsonb,
  :created_at::bigint, :finished_at::bigint)
ON CONFLICT (id) DO NOTHING
