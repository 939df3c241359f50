-- Spawned children joined a running workflow: its job total grows.
-- Params: :id, :n.
UPDATE spool_workflows SET total = total + :n WHERE id = :id AND state = 'running'
