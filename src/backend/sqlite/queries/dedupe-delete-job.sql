-- Deletes the dedupe row that records a removed job (it would match nothing; migration 0041
-- indexes job_id). A later job of the same key has its own row, untouched.
-- Params: :id.
DELETE FROM spool_dedupe WHERE job_id = :id
