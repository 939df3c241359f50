-- Stores the rate state of a task or key group. Params: :grp, :tat.
INSERT INTO spool_flow_state (grp, tat) VALUES (:grp, :tat)
ON CONFLICT (grp) DO UPDATE SET tat = excluded.tat
