-- Records dependency edges (child waits for parent).
-- Params: :parents (text[]), :children (text[]), same length.
INSERT INTO spool.job_deps (parent_id, child_id)
SELECT * FROM unnest(:parents::text[], :children::text[])
ON CONFLICT DO NOTHING
