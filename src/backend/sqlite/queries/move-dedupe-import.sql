-- Writes one moved-in dedupe entry (jobImport): written when this store has none for the key,
-- or only one naming a job it does not hold (such an entry matches nothing here).
-- Params: :task, :key, :job_id, :first_at.
INSERT INTO spool_dedupe (task, key, job_id, first_at) VALUES (:task, :key, :job_id, :first_at)
ON CONFLICT (task, key) DO UPDATE SET job_id = excluded.job_id, first_at = excluded.first_at
WHERE NOT EXISTS (SELECT 1 FROM spool_jobs AS j WHERE j.id = spool_dedupe.job_id)
