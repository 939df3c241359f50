-- 0022_spawn (dynamic children, ctx.spawn): a job that spawned children waits on them with a
-- policy for a child that fails or is cancelled ('fail': released at once; 'continue': counted
-- like a completion) instead of being cancelled by the dependency cascade. NULL for every other
-- job, so the column costs nothing on the hot paths (no index: read only by id).
ALTER TABLE spool_jobs ADD COLUMN spawn_policy TEXT;
