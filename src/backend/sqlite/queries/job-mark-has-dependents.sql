-- Flags a job as having dependents, so its completion or failure looks at spool_job_deps.
-- Params: :id.
UPDATE spool_jobs SET has_dependents = 1 WHERE id = :id AND has_dependents = 0
