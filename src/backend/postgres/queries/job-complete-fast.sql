-- Completes a batch of running jobs in ONE statement (one round trip, one implicit
-- transaction), each only if its token still fences it and nobody depends on it (a job with
-- dependents needs the cascade of the full path, which the caller runs for every id not
-- returned here: refused, or with dependents). Progress (if any) goes to 100%. The
-- `job:completed` notification goes out after the commit. Ids must be distinct (the caller checks).
-- Params: :ids, :tokens, :results (text[], same length), :now (NULL: the server's clock).
-- Returns: id, queue, attempt of each completed job (batch order), now.
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
)
SELECT u.id, u.queue, u.attempt, (SELECT now FROM t) AS now FROM u ORDER BY u.ord
