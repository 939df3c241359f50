-- The follow-up templates of a move batch's jobs (jobMoveRead), by the table's primary key.
-- Params: :ids (JSON array of job ids).
-- Returns: parent_id, outcome, job (FollowUpJob JSON).
SELECT parent_id, outcome, job FROM spool_follow_ups WHERE parent_id IN (SELECT value FROM json_each(:ids))
