-- 0041_dedupe_job: removing a job (removal, retention, move) also deletes the dedupe row that
-- records it (a row whose job is gone matches nothing, so it is only garbage), found by job id.
CREATE INDEX spool_dedupe_job ON spool_dedupe (job_id);
