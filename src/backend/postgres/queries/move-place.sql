-- Sets a moved-in not-started job's state from its parents in this store (jobImport).
-- Params: :id, :state, :pending, :now (finished_at when the state is 'cancelled').
UPDATE spool.jobs
SET state = :state::text, pending_dependencies = :pending::bigint,
  finished_at = CASE WHEN :state::text = 'cancelled' THEN :now::bigint END
WHERE id = :id::text
