-- Stores the follow-up templates of a new job and marks it has_dependents.
-- Params: :parent_id, :outcomes (text[]), :jobs (text[]: FollowUpJob JSON, same order).
WITH mark AS (UPDATE spool.jobs SET has_dependents = true WHERE id = :parent_id::text)
INSERT INTO spool.follow_ups (parent_id, outcome, job)
SELECT :parent_id::text, o, j FROM unnest(:outcomes::text[], :jobs::text[]) AS t(o, j)
