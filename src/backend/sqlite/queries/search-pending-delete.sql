-- Forgets the waiting documents up to :upto once they are indexed.
-- Params: :upto.
DELETE FROM spool_jobs_search_pending WHERE doc <= :upto
