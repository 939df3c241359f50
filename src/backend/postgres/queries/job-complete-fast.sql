-- Completes a batch of running jobs in ONE statement (one round trip, one implicit
-- transaction), each only if its token still fences it and nobody depends on it (a job with
-- dependents needs the cascade of the full path, which the caller runs for every id not
-- returned here: refused, or with dependents). Progress (if any) goes to 100%. With :channel
-- the batch's `job:completed` notification goes out on commit (payload as in
-- job-enqueue-fast.sql; data {attempt}). Ids must be distinct (the caller checks).
-- Params: :ids, :tokens, :results (text[], same length), :now (NULL: the server's clock),
--   :channel (NULL: no notification), :origin, :inline_max.
-- Returns: id, queue, attempt of each completed job (batch order), now, stored.
WITH t AS (
  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now
),
b AS (
  SELECT * FROM unnest(:ids::text[], :tokens::text[], :results::text[]) WITH ORDINALITY AS b(id, token, result, ord)
),
u AS (
  UPDATE spool.jobs AS j SET
    state = 'completed',
    result = b.result,
    progress = CASE WHEN j.progress IS NULL THEN NULL ELSE jsonb_set(j.progress, '{percent}', '100') END,
    lease_token = NULL,
    lease_expires_at = NULL,
    finished_at = t.now,
    updated_at = t.now
  FROM b, t
  WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token AND NOT j.has_dependents
  RETURNING j.id, j.queue, j.attempt, b.ord
),
runs AS (
  SELECT u.*, u.ord - row_number() OVER (PARTITION BY u.queue ORDER BY u.ord) AS run
  FROM u WHERE :channel::text IS NOT NULL
),
groups AS (
  SELECT min(ord) AS first, json_build_array(
    'job:completed', queue, 'completed', (SELECT now FROM t), json_agg(id ORDER BY ord),
    json_agg(json_build_object('attempt', attempt) ORDER BY ord)
  ) AS g
  FROM runs GROUP BY queue, run
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
SELECT u.id, u.queue, u.attempt, (SELECT now FROM t) AS now, (SELECT seq FROM stored) AS stored,
  (SELECT count(*) FROM sent) AS notified
FROM u ORDER BY u.ord
