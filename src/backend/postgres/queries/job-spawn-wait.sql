-- The parent of a spawn, fenced by :token, waits on its children: lease released, attempt given
-- back (like a release), its depends_on extended by the children, its meta replaced.
-- Params: :id, :token, :now, :children (text[]), :policy, :meta.
-- Returns: queue, workflow_id (no row: refused, nothing written).
UPDATE spool.jobs SET
  state = 'waiting',
  attempt = greatest(0, attempt - 1),
  depends_on = depends_on || :children::text[],
  pending_dependencies = cardinality(:children::text[]),
  spawn_policy = :policy::text,
  meta = :meta::text,
  lease_token = NULL,
  lease_expires_at = NULL,
  updated_at = :now::bigint
WHERE id = :id::text AND state = 'running' AND lease_token = :token::text
RETURNING queue, workflow_id
