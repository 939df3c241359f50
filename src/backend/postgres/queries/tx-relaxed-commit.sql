-- This transaction commits without waiting for its WAL flush (claims: job-claim-fast.sql).
SELECT set_config('synchronous_commit', 'off', true)
