-- The filters every list statement applies besides the one that drives its walk (`{{> job-list-filters}}`
-- in job-list*.sql): a NULL parameter matches everything; :after is never NULL (a cursor, or a
-- bound past every id: see job-list.sql), so `id {{cmp}} :after` is a seek on the walked index.
  AND (:key IS NULL OR key = :key)
  AND (:created_after IS NULL OR created_at >= :created_after)
  AND (:created_before IS NULL OR created_at < :created_before)
  AND id {{cmp}} :after
  AND (:search IS NULL OR spool_contains_ci(
    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),
    :search
  ))
