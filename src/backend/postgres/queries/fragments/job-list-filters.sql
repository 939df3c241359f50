-- The filters every list statement applies besides the one that drives its walk (`{{> job-list-filters}}`
-- in job-list*.sql): a NULL parameter matches everything; :after is a cursor (the last id of the
-- previous page) or NULL.
  AND (:key::text IS NULL OR j.key = :key::text)
  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)
  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)
  AND (:after::text IS NULL OR j.id {{cmp}} :after::text)
  AND (:search::text IS NULL OR strpos(lower(
    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')
  ), :search::text) > 0)
