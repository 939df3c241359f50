-- Inserts a workflow record (state 'running'). A duplicate id violates the primary key.
-- Params: :id, :name, :policy, :spec, :total, :now.
INSERT INTO spool.workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)
VALUES (:id::text, :name::text, :policy::text, 'running', :spec::text, :total::bigint, NULL, :now::bigint, NULL)
