-- One dependency of every waiting child of the :parent_ids completed: count it down (once per
-- completed parent); a child whose last dependency completed becomes scheduled (run_at ahead) or
-- queued (run_at raised to :now).
-- Params: :parent_ids (text[]), :now.
-- Returns: id, queue, state of each child touched.
UPDATE spool.jobs AS j SET
  pending_dependencies = greatest(0, j.pending_dependencies - d.n),
  state = CASE
    WHEN j.pending_dependencies <= d.n THEN CASE WHEN j.run_at > :now::bigint THEN 'scheduled' ELSE 'queued' END
    ELSE j.state
  END,
  run_at = CASE WHEN j.pending_dependencies <= d.n AND j.run_at < :now::bigint THEN :now::bigint ELSE j.run_at END,
  updated_at = CASE WHEN j.pending_dependencies <= d.n THEN :now::bigint ELSE j.updated_at END
FROM (
  SELECT child_id, count(*) AS n FROM spool.job_deps WHERE parent_id = ANY(:parent_ids::text[]) GROUP BY child_id
) AS d
WHERE j.id = d.child_id AND j.state = 'waiting'
RETURNING j.id, j.queue, j.state
