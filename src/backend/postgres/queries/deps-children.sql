-- The jobs waiting for :parent_id.
-- Params: :parent_id.
-- Returns: child_id.
SELECT child_id FROM spool.job_deps WHERE parent_id = :parent_id::text
