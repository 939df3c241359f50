-- Stores the rate state of a task or key group. Params: :grp, :tat.
INSERT INTO spool.flow_state (grp, tat) VALUES (:grp::text, :tat::double precision)
ON CONFLICT (grp) DO UPDATE SET tat = excluded.tat
