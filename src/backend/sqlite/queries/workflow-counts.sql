-- Jobs of one workflow per state.
-- Params: :id.
-- Returns: state, n.
SELECT state, count(*) AS n FROM spool_jobs WHERE workflow_id = :id GROUP BY state
