-- The common claim in ONE statement (one round trip, one implicit transaction): up to :limit
-- queued jobs of one queue that is not paused, has no limits row and no hold in force, and has no
-- scheduled job due (those need the full claim: promotion, flow control). When the gate is
-- closed nothing is claimed and `fast` is false: the caller runs the full claim instead.
-- Claimed rows as job-claim.sql; the `job:started` notification goes out after the commit.
-- Params: :queue, :tasks (text[] or NULL: any task), :limit, :now (NULL: the server's clock),
--   :token, :worker_id, :lease_ms.
-- Returns: one row per claimed job in claim order (or one row with id NULL when none), each with
--   fast, now, next_run_at (earliest scheduled run_at of the queue), then CLAIM_COLUMNS (rows.ts):
--   only the columns the claim did not set (queue, state, worker, token and times are known to
--   the caller), the JSON columns NULL when empty (nothing to parse). Read as arrays, not
--   objects: the claim is the hottest read, and each column returned costs a value per job.
-- The claim commits without waiting for its WAL flush (synchronous_commit off for this
-- transaction only): a claim lost to a server crash leaves the job queued, to run again, and
-- the lost run's outcome is refused by its token, as after any lost lease. Every later durable
-- commit (the completion) flushes the claim with it.
WITH t AS (
  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now,
    set_config('synchronous_commit', 'off', true) AS relaxed
),
gate AS (
  SELECT NOT EXISTS (SELECT 1 FROM spool.queues AS q WHERE q.name = :queue::text AND q.paused)
    AND NOT EXISTS (SELECT 1 FROM spool.queue_limits AS l WHERE l.name = :queue::text)
    AND NOT EXISTS (SELECT 1 FROM spool.queue_holds AS h WHERE h.name = :queue::text AND h.until > (SELECT now FROM t))
    AND NOT EXISTS (
      SELECT 1 FROM spool.jobs AS s
      WHERE s.state = 'scheduled' AND s.queue = :queue::text AND s.run_at <= (SELECT now FROM t)
    )
    -- Jobs with task or key limits need the fair, gated claim (index jobs_flow_ready).
    AND NOT EXISTS (
      SELECT 1 FROM spool.jobs AS f
      WHERE f.queue = :queue::text AND f.state IN ('queued', 'scheduled') AND f.flow_key IS NOT NULL
    ) AS fast
),
c AS (
  SELECT id FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL
    AND (:tasks::text[] IS NULL OR task = ANY(:tasks::text[]))
    AND (SELECT fast FROM gate)
  ORDER BY priority DESC, run_at, id
  LIMIT :limit::bigint
  FOR UPDATE SKIP LOCKED
),
u AS (
  UPDATE spool.jobs AS j SET
    state = 'running',
    attempt = j.attempt + 1,
    lease_token = :token::text,
    lease_expires_at = t.now + coalesce(j.lease_ms, :lease_ms::bigint),
    worker_id = :worker_id::text,
    started_at = t.now,
    updated_at = t.now
  FROM t
  -- The ids as one array: the update probes the primary key per id. Joined to c instead, the
  -- planner hash-joined c with a sequential scan of the whole table (every job, finished
  -- ones too): 21 of a 225-job claim's 32 ms with 22,000 jobs stored (bench/pg-explain.ts).
  WHERE j.id = ANY(ARRAY(SELECT c.id FROM c))
  RETURNING j.id, j.task, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
    nullif(j.errors, '[]'::jsonb) AS errors, j.progress, j.key, nullif(j.meta, '{}') AS meta,
    nullif(j.depends_on, '{}'::text[]) AS depends_on, j.pending_dependencies, j.lease_ms, j.timeout_ms,
    j.created_at, j.finished_at
)
SELECT (SELECT fast FROM gate) AS fast, (SELECT now FROM t) AS now,
  (SELECT min(s.run_at) FROM spool.jobs AS s WHERE s.state = 'scheduled' AND s.queue = :queue::text) AS next_run_at,
  u.*
FROM (SELECT 1) AS one LEFT JOIN u ON true
ORDER BY u.priority DESC, u.run_at, u.id
