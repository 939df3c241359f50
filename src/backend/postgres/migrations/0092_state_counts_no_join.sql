-- 0092_state_counts_no_join: the UPDATE trigger of 0091 (and 0063 before it) found the changed
-- rows by joining its transition tables on id. They carry no statistics, so the planner could
-- pick a nested loop: a statement updating 10,001 jobs (a spawn marking its children's parents,
-- `workflow-mark-parents.sql`) took 10.7 s in that join, and 32 s under load, past the 30 s
-- statement timeout. The join is not needed: an UPDATE's old and new tables hold one row each
-- per updated job, so +1 per new row and -1 per old row, summed by (queue, state), leave exactly
-- the changes (a job whose queue and state did not change adds 0). Linear in the rows.
CREATE OR REPLACE FUNCTION spool.state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO spool.state_counts (queue, state, n)
    SELECT queue, state, sum(d) FROM (
      SELECT queue, state, 1 AS d FROM new_rows
      UNION ALL
      SELECT queue, state, -1 FROM old_rows
    ) AS changes
    GROUP BY queue, state HAVING sum(d) <> 0;
  RETURN NULL;
END $$;
