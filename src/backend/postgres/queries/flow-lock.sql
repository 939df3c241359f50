-- Serializes fair claims (per-task and per-key limits) cluster-wide until the transaction
-- ends: a claim counts the running jobs every earlier fair claim committed. Plain claims take
-- no part (they never take jobs with limits).
SELECT pg_advisory_xact_lock(7305114219931761)
