-- Inserts a workflow record (state 'running'). A duplicate id violates the primary key.
-- Params: :id, :name, :policy, :spec, :total, :now.
INSERT INTO spool_workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)
VALUES (:id, :name, :policy, 'running', :spec, :total, NULL, :now, NULL)
