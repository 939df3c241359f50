-- At a job's outcome: removes its follow-up templates (both outcomes) and returns them; the
-- caller inserts the one for the outcome. The link to a follow-up an earlier outcome made (the
-- "made" row, backend/follow-ups.ts) stays.
-- Params: :parent_id.
-- Returns: outcome, job.
DELETE FROM spool_follow_ups WHERE parent_id = :parent_id AND outcome <> 'made' RETURNING outcome, job
