-- The state of each existing job among :ids.
-- Params: :ids (text[]).
-- Returns: id, state.
SELECT id, state FROM spool.jobs WHERE id = ANY(:ids::text[])
