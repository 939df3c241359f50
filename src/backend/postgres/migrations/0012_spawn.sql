-- 0012_spawn (dynamic children, ctx.spawn): a job that spawned children waits on them with a
-- policy for a child that fails or is cancelled ('fail': released at once; 'continue': counted
-- like a completion) instead of being cancelled by the dependency cascade. NULL for every other
-- job (no index: read only by id).
ALTER TABLE spool.jobs ADD COLUMN IF NOT EXISTS spawn_policy text;
