-- Records that :child_id waits for :parent_id.
-- Params: :parent_id, :child_id.
INSERT OR IGNORE INTO spool_job_deps (parent_id, child_id) VALUES (:parent_id, :child_id)
