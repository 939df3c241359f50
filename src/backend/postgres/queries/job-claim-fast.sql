-- The common claim in ONE statement (one round trip, one implicit transaction): up to :limit
-- queued jobs of one queue that is not paused, has no limits row and no hold in force, and has no
-- scheduled job due (those need the full claim: promotion, flow control). When the gate is
-- closed nothing is claimed and `fast` is false: the caller runs the full claim instead.
-- Claimed rows as job-claim.sql; with :channel, the `job:started` notification of the batch
-- goes out on commit (payload as in job-enqueue-fast.sql; data {attempt, workerId}).
-- Params: :queue, :tasks (text[] or NULL: any task), :limit, :now (NULL: the server's clock),
--   :token, :worker_id, :lease_ms, :channel (NULL: no notification), :origin, :inline_max.
-- Returns: one row per claimed job in claim order (or one row with id NULL when none), each with
--   fast, now, next_run_at (earliest scheduled run_at of the queue), stored, and every column.
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
    ) AS fast
),
c AS (
  SELECT id FROM spool.jobs
  WHERE state = 'queued' AND queue = :queue::text
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
  FROM c, t
  WHERE j.id = c.id
  RETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,
    j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,
    j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,
    j.updated_at
),
enc AS (
  SELECT json_build_array(json_build_array(
    'job:started', :queue::text, 'running', (SELECT now FROM t),
    json_agg(id ORDER BY priority DESC, run_at, id),
    json_agg(json_build_object('attempt', attempt, 'workerId', :worker_id::text) ORDER BY priority DESC, run_at, id)
  ))::text AS events
  FROM u WHERE :channel::text IS NOT NULL HAVING count(*) > 0
),
stored AS (
  INSERT INTO spool.events (at, events)
  SELECT (SELECT now FROM t), events FROM enc
  WHERE octet_length(:origin::text) + 1 + octet_length(events) > :inline_max::bigint
  RETURNING seq
),
sent AS (
  SELECT pg_notify(:channel::text, :origin::text || '|' || coalesce('@' || (SELECT seq FROM stored)::text, events)) AS x
  FROM enc
)
-- `sent` is read in the output (a CTE nobody reads is not run; a data-modifying one always is).
SELECT (SELECT fast FROM gate) AS fast, (SELECT now FROM t) AS now,
  (SELECT min(s.run_at) FROM spool.jobs AS s WHERE s.state = 'scheduled' AND s.queue = :queue::text) AS next_run_at,
  (SELECT seq FROM stored) AS stored, (SELECT count(*) FROM sent) AS notified, u.*
FROM (SELECT 1) AS one LEFT JOIN u ON true
ORDER BY u.priority DESC, u.run_at, u.id
