-- A job's follow-up rows (templates and the "made" link, backend/follow-ups.ts) by the primary
-- key, joined to the job so one read tells "no such job" (no row) from "no follow-ups" (one row
-- with a null outcome).
-- Params: :id.
-- Returns: outcome, job (both null when the job has no follow-up rows).
SELECT f.outcome, f.job
FROM spool.jobs j LEFT JOIN spool.follow_ups f ON f.parent_id = j.id
WHERE j.id = :id::text
