-- Removes every dependency edge touching one job (as parent or child). Children of a removed
-- parent keep their pending counters: a parent that never completed still blocks them.
-- Params: :id.
DELETE FROM spool.job_deps WHERE parent_id = :id::text OR child_id = :id::text
