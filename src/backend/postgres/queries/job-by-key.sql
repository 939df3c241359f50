-- The job holding an idempotency key for a task.
-- Params: :task, :key.
-- Returns: id, state.
SELECT id, state FROM spool.jobs WHERE task = :task::text AND key = :key::text
