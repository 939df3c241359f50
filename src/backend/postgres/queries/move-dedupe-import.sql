-- Writes moved-in dedupe entries (jobImport): a key's entry is written when this store has none,
-- or only one naming a job it does not hold (such an entry matches nothing here).
-- Params: :tasks, :keys, :job_ids (text[]), :first_ats (bigint[]); one (task, key) at most once.
INSERT INTO spool.dedupe AS d (task, key, job_id, first_at)
SELECT * FROM unnest(:tasks::text[], :keys::text[], :job_ids::text[], :first_ats::bigint[])
ON CONFLICT (task, key) DO UPDATE SET job_id = EXCLUDED.job_id, first_at = EXCLUDED.first_at
WHERE NOT EXISTS (SELECT 1 FROM spool.jobs AS j WHERE j.id = d.job_id)
