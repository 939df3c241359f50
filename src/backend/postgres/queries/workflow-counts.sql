-- Jobs of one workflow per state.
-- Params: :id.
-- Returns: state, n.
SELECT state, count(*)::integer AS n FROM spool.jobs WHERE workflow_id = :id::text GROUP BY state
