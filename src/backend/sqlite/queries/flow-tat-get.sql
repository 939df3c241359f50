-- The rate state of a task or key group. Params: :grp. Returns: tat.
SELECT tat FROM spool_flow_state WHERE grp = :grp
