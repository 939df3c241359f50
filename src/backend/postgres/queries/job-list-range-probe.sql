-- The jobs created in [:created_after, :created_before) (a NULL bound is open), read from
-- jobs_created (migration 0063), at most :cap of them: how many, and their smallest and largest
-- id, which bound the walk of job-list-span.sql. n = :cap: the range may hold more.
-- Params: :created_after, :created_before, :cap.
-- Returns: n, lo, hi (NULL when n = 0).
SELECT count(*)::integer AS n, min(id) AS lo, max(id) AS hi FROM (
  SELECT id FROM spool.jobs
  WHERE created_at >= coalesce(:created_after::bigint, -9000000000000000000)
    AND created_at < coalesce(:created_before::bigint, 9000000000000000000)
  LIMIT :cap::bigint
) AS r
