-- The bulk-enqueue path in ONE statement, so in one round trip and one implicit transaction
-- (no BEGIN/COMMIT of its own): reads the server's time, inserts the batch (jobs without keys
-- or dependencies) and, when :channel is given, sends the batch's change-feed notification,
-- which PostgreSQL delivers only if the statement commits. The payload is the feed's codec
-- (feed.ts: `origin|` + groups of consecutive events sharing queue and state, in batch order);
-- one larger than :inline_max bytes is stored in spool.events and the notification carries
-- `@seq` instead. A duplicate id violates the primary key and aborts the whole statement.
-- Params: :now (NULL: the server's clock), :channel (NULL: no notification), :origin,
--   :inline_max, and one array per column as JOB_INSERT_MANY (no :states: decided here).
-- Returns: id, queue, state of each inserted job (batch order), now, stored (events seq or NULL).
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
-- Runs of consecutive jobs with the same queue and state (gaps and islands), one group each.
runs AS (
  SELECT b.*, b.ord - row_number() OVER (PARTITION BY b.queue, b.state ORDER BY b.ord) AS run
  FROM b WHERE :channel::text IS NOT NULL
),
groups AS (
  SELECT min(ord) AS first, json_build_array('job:enqueued', queue, state, min(now), json_agg(id ORDER BY ord), NULL) AS g
  FROM runs GROUP BY queue, state, run
),
enc AS (
  SELECT json_agg(g ORDER BY first)::text AS events FROM groups HAVING count(*) > 0
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
SELECT b.id, b.queue, b.state, b.now, (SELECT seq FROM stored) AS stored, (SELECT count(*) FROM sent) AS notified
FROM b ORDER BY b.ord
