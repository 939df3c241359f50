-- Listing jobs in one state (the dashboard's and `spool jobs --state` default filter): a walk of
-- this index in id order stops after one page, where a walk of all jobs in id order checked every
-- job until the page filled (a rare state in a store of 1M jobs read the whole table).
-- Used by job-list-state.sql.
CREATE INDEX IF NOT EXISTS spool_jobs_state_id ON spool_jobs (state, id);
