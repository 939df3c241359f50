-- Spawned children joined a running workflow: its job total grows.
-- Params: :id, :n.
UPDATE spool.workflows SET total = total + :n::bigint WHERE id = :id::text AND state = 'running'
