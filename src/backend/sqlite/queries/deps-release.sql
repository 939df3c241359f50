-- One dependency of every waiting child of :parent_id completed: count it down; a child whose
-- last dependency completed becomes scheduled (run_at ahead) or queued (run_at raised to :now).
-- Params: :parent_id, :now.
-- Returns: id, queue, state of each child touched.
UPDATE spool_jobs SET
  pending_dependencies = max(0, pending_dependencies - 1),
  state = CASE
    WHEN pending_dependencies <= 1 THEN CASE WHEN run_at > :now THEN 'scheduled' ELSE 'queued' END
    ELSE state
  END,
  run_at = CASE WHEN pending_dependencies <= 1 AND run_at < :now THEN :now ELSE run_at END,
  updated_at = CASE WHEN pending_dependencies <= 1 THEN :now ELSE updated_at END
WHERE state = 'waiting' AND id IN (SELECT child_id FROM spool_job_deps WHERE parent_id = :parent_id)
RETURNING id, queue, state
