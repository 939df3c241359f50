-- Deletes the follow-up templates of a removed job (one that ended without taking them:
-- cancelled, or removed before its outcome). Call only for a job marked has_dependents.
-- Params: :id.
DELETE FROM spool_follow_ups WHERE parent_id = :id
