-- The bulk-enqueue path in ONE statement, so in one round trip and one implicit transaction
-- (no BEGIN/COMMIT of its own): reads the server's time and inserts the batch (jobs without
-- keys or dependencies). Its change-feed notification goes out after the commit (notifier.ts).
-- A duplicate id violates the primary key and aborts the whole statement.
-- With :channel set, the statement also sends the batch's `job:enqueued` notification itself
-- (`:origin|` and the feed's group encoding, one group per job), which PostgreSQL delivers at
-- the commit: an idle worker hears of the job one round trip sooner than from the notifier's
-- separate send. Only for a small batch, and only one such statement in flight per process
-- (notifier.ts: a notifying commit holds the notify-queue lock through its WAL flush).
-- Params: :now (NULL: the server's clock), :channel and :origin (NULL: no notification here),
--   and one array per column as JOB_INSERT_MANY (no :states: decided here against the server's
--   time).
-- Returns: id, queue, state of each inserted job (batch order), now.
WITH t AS (
  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now
),
b AS (
  SELECT b.*, CASE WHEN b.run_at > t.now THEN 'scheduled' ELSE 'queued' END AS state, t.now
  FROM t, unnest(
    :ids::text[], :tasks::text[], :queues::text[], :priorities::bigint[], :run_ats::bigint[],
    :max_attempts::bigint[], :inputs::text[], :metas::text[], :lease_ms::bigint[], :timeout_ms::bigint[]
  ) WITH ORDINALITY AS b(id, task, queue, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, ord)
),
ins AS (
  INSERT INTO spool.jobs (
    id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms,
    created_at, updated_at
  )
  SELECT id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, now, now
  FROM b ORDER BY ord
  RETURNING id
),
n AS (
  SELECT CASE WHEN :channel::text IS NULL THEN NULL ELSE pg_notify(:channel::text, :origin::text || '|' ||
    json_agg(json_build_array('job:enqueued', b.queue, b.state, b.now, json_build_array(b.id), NULL) ORDER BY b.ord)::text
  ) END AS sent
  -- Without the filter the json_agg ran for every batch, notifying or not (16% of a 1,000-job
  -- enqueue's server time).
  FROM b WHERE :channel::text IS NOT NULL
)
SELECT b.id, b.queue, b.state, b.now FROM b CROSS JOIN n ORDER BY b.ord
