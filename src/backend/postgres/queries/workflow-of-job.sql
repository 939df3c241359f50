-- The running workflow a job belongs to, with its failure policy (no row: none).
-- Params: :id.
-- Returns: id, policy.
SELECT w.id, w.policy FROM spool.jobs AS j JOIN spool.workflows AS w ON w.id = j.workflow_id
WHERE j.id = :id::text AND w.state = 'running'
