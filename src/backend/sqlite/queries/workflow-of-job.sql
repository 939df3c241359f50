-- The running workflow a job belongs to, with its failure policy (no row: none).
-- Params: :id.
-- Returns: id, policy.
SELECT w.id, w.policy FROM spool_jobs AS j JOIN spool_workflows AS w ON w.id = j.workflow_id
WHERE j.id = :id AND w.state = 'running'
