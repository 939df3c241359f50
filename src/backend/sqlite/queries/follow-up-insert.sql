-- Stores a follow-up template of a new job (the job is then marked has_dependents).
-- Params: :parent_id, :outcome ('completed' | 'failed'), :job (FollowUpJob JSON).
INSERT INTO spool_follow_ups (parent_id, outcome, job) VALUES (:parent_id, :outcome, :job)
