-- Inserts the dependency edges of a workflow in one statement.
-- Params: :edges (JSON array of [parent_id, child_id]).
INSERT OR IGNORE INTO spool_job_deps (parent_id, child_id)
SELECT e.value ->> 0, e.value ->> 1 FROM json_each(:edges) AS e
