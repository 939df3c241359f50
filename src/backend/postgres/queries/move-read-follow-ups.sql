-- The follow-up templates of a move batch's jobs (jobMoveRead), by the table's primary key.
-- Params: :ids (text[]).
-- Returns: parent_id, outcome, job (FollowUpJob JSON).
SELECT parent_id, outcome, job FROM spool.follow_ups WHERE parent_id = ANY(:ids::text[])
