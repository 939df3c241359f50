-- The job holding an idempotency key for a task.
-- Params: :task, :key.
-- Returns: id, state.
SELECT id, state FROM spool_jobs WHERE task = :task AND key = :key
