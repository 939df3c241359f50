-- The dependency edges leaving a move batch's jobs (jobMoveTake checks no child is left behind).
-- Params: :ids (text[]).
-- Returns: parent_id, child_id.
SELECT parent_id, child_id FROM spool.job_deps WHERE parent_id = ANY(:ids::text[])
