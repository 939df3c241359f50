-- Appends log lines of one job.
-- Params: :job_id, :attempt, :ats (bigint[]), :levels, :messages (text[]).
INSERT INTO spool.job_logs (job_id, attempt, at, level, message)
SELECT :job_id::text, :attempt::bigint, b.at, b.level, b.message
FROM unnest(:ats::bigint[], :levels::text[], :messages::text[]) WITH ORDINALITY AS b(at, level, message, n)
ORDER BY b.n
