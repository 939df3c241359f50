-- Sets a moved-in not-started job's state from its parents in this store (jobImport).
-- Params: :id, :state, :pending, :now (finished_at when the state is 'cancelled').
UPDATE spool_jobs
SET state = :state, pending_dependencies = :pending,
  finished_at = CASE WHEN :state = 'cancelled' THEN :now END
WHERE id = :id
