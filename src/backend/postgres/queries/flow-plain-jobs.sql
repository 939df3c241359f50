-- Queued jobs without limits of a queue in claim order (index jobs_plain_ready), from the
-- :skip-th on: the fair claim's group of jobs without limits.
-- Params: :queue, :tasks (text[] or NULL for any), :n, :skip. Returns: id, task.
SELECT id, task FROM spool.jobs
WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL
  AND (:tasks::text[] IS NULL OR task = ANY(:tasks::text[]))
ORDER BY priority DESC, run_at, id
LIMIT :n::bigint OFFSET :skip::bigint
