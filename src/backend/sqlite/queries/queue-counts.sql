-- Jobs per queue and state, from spool_state_counts (migrations 0017 and 0092: kept by the hot
-- paths' own counts and by triggers), so the answer grows neither with the backlog nor with the
-- finished jobs retained.
-- Params: none.
-- Returns: queue, state, n.
SELECT queue, state, n FROM spool_state_counts WHERE n > 0
