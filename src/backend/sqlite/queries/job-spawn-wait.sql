-- The parent of a spawn waits on its children: lease released, attempt given back (like a
-- release), its dependsOn extended by the children, its meta replaced.
-- Params: :id, :token, :now, :depends_on (JSON), :pending, :policy, :meta (JSON).
-- Returns: queue (no row: refused).
UPDATE spool_jobs SET
  state = 'waiting',
  attempt = max(0, attempt - 1),
  depends_on = :depends_on,
  pending_dependencies = :pending,
  spawn_policy = :policy,
  meta = :meta,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now
WHERE id = :id AND state = 'running' AND lease_token = :token
RETURNING queue
