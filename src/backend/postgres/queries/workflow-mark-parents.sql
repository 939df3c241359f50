-- Flags the parents of a workflow batch as having dependents.
-- Params: :ids (text[]).
UPDATE spool.jobs SET has_dependents = true WHERE id = ANY(:ids::text[])
