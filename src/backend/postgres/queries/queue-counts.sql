-- Jobs per queue and state: the sums of the deltas the triggers of migrations 0063 and 0091
-- append on every insert, state change and delete, folded by heartbeats and retention
-- (state-counts-fold.sql), so the answer grows neither with the jobs retained nor with a backlog.
-- Params: none.
-- Returns: queue, state, n.
SELECT queue, state, sum(n)::integer AS n FROM spool.state_counts GROUP BY queue, state HAVING sum(n) > 0
