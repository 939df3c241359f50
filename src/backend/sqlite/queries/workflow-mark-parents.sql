-- Flags the parents of a workflow batch as having dependents.
-- Params: :ids (JSON array of job ids).
UPDATE spool_jobs SET has_dependents = 1 WHERE id IN (SELECT value FROM json_each(:ids))
