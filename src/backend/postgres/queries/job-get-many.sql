-- Several jobs (in no particular order).
-- Params: :ids (text[]).
-- Returns: every column.
{{> job-columns}}
FROM spool.jobs AS j WHERE j.id = ANY(:ids::text[])
