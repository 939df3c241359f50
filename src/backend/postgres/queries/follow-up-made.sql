-- At a job's outcome, after inserting its follow-up: the link to it ("made" row,
-- backend/follow-ups.ts), which outlives the templates the outcome took.
-- Params: :parent_id, :job (the link's JSON).
INSERT INTO spool.follow_ups (parent_id, outcome, job) VALUES (:parent_id::text, 'made', :job)
