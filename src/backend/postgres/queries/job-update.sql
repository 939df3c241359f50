-- Edits jobs that have not started: new priority and/or input (NULL keeps the current one).
-- Params: :ids (text[]), :priority, :input, :now.
-- Returns: id, queue, state (missing ids were refused: started, finished or gone).
UPDATE spool.jobs SET
  priority = coalesce(:priority::integer, priority),
  input = coalesce(:input::text, input),
  updated_at = :now::bigint
WHERE id = ANY(:ids::text[]) AND state IN ('waiting', 'scheduled', 'queued')
RETURNING id, queue, state
