-- Claims up to :limit jobs over several queues in one call (the claim function of migration
-- 0002): per queue in order, unless paused, due jobs promoted, then leased in claim order with
-- FOR UPDATE SKIP LOCKED.
-- Params: :queues (text[]), :tasks (text[] or NULL: any task), :limit, :now, :token, :worker_id,
--   :lease_ms (default for jobs without their own).
-- Returns: r (jsonb {"jobs": [...], "next_run_at": ...}).
SELECT spool.claim(
  :queues::text[], :tasks::text[], :limit::bigint, :now::bigint, :token::text, :worker_id::text, :lease_ms::bigint
) AS r
