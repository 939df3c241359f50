-- The rate state of task and key groups. Params: :grps (text[]). Returns: grp, tat.
SELECT grp, tat FROM spool.flow_state WHERE grp = ANY(:grps::text[])
