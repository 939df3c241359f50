-- One page of a common word's jobs inside one window of the id order (search-window.sql),
-- {{first}}: the trigram index's matches in the window's rowid range (an FTS5 rowid range: the
-- index seeks to it, it does not read every match of the word), plus the documents not indexed
-- yet; each is checked again against its own fields, then the other filters. The window's id
-- range keeps out the jobs of other windows whose rowid falls in the range (ids and rowids
-- mostly follow each other, but a job inserted long after its id was chosen does not).
-- Params: :phrase, :search (lower-case), :lo, :hi (rowids), :low_id, :high_id, :queue,
--   :task, :key, :created_after, :created_before, :limit.
-- Returns: every column.
SELECT j.* FROM spool_jobs j
WHERE j.rowid IN (
    SELECT rowid >> 2 FROM spool_jobs_search
    WHERE spool_jobs_search MATCH :phrase AND rowid >= :lo * 4 AND rowid <= :hi * 4 + 3
    UNION SELECT doc >> 2 FROM spool_jobs_search_pending
  )
  AND j.id >= :low_id AND j.id <= :high_id
  AND (:queue IS NULL OR j.queue = :queue)
  AND (:task IS NULL OR j.task = :task)
  AND (:key IS NULL OR j.key = :key)
  AND (:created_after IS NULL OR j.created_at >= :created_after)
  AND (:created_before IS NULL OR j.created_at < :created_before)
  AND (
    spool_contains_ci(j.id, :search)
    OR spool_contains_ci(coalesce(j.key, ''), :search)
    OR spool_contains_ci(j.input, :search)
    OR spool_contains_ci(coalesce(j.result, ''), :search)
    OR (j.errors <> '[]' AND EXISTS (
      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)
    ))
  )
ORDER BY j.id {{order}}
LIMIT :limit
