-- 0077_state_index_partial: spool_jobs_state_id (migration 0023) leaves out running jobs. Every
-- state change paid a delete and an insert in it; now a claim (queued -> running) only deletes
-- and a completion (running -> completed) only inserts, about 7% less CPU per processed job
-- (docs/benchmarks.md, "Issue 17: the per-job index cost"). The running set is bounded by the
-- leases held: listing it walks spool_jobs_leases and sorts (job-list-running.sql). Safe beside
-- workers of an older version: their statements are re-prepared on the schema change and give
-- the same rows (a state list of theirs may walk another index).
DROP INDEX IF EXISTS spool_jobs_state_id;
CREATE INDEX spool_jobs_state_id ON spool_jobs (state, id) WHERE state <> 'running';
