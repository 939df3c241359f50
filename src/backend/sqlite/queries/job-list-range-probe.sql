-- The jobs created in [:created_after, :created_before) (a NULL bound is open), read from
-- spool_jobs_created (migration 0053) alone, at most :cap of them: how many (up to :cap), and
-- their smallest and largest id, which bound the walk of job-list-span.sql. n = :cap means the
-- range may hold more (a wide range: reads.ts then walks as if there were no range).
-- Params: :created_after, :created_before, :cap.
-- Returns: n, lo, hi (NULL when n = 0).
SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM (
  SELECT id FROM spool_jobs
  WHERE created_at >= coalesce(:created_after, -9e18) AND created_at < coalesce(:created_before, 9e18)
  LIMIT :cap
)
