-- 0031_follow_ups: durable follow-ups (docs/flow-control.md, src/backend/follow-ups.ts). A job
-- created with `then` / `catch` keeps one row per outcome here (the FollowUpJob template as
-- JSON) and is marked has_dependents, so the writes that record its outcome (complete, fail,
-- rescue: they already look at has_dependents) take the row and insert the follow-up job in the
-- same transaction. Rows go when the outcome takes them.
CREATE TABLE spool_follow_ups (
  parent_id TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  job       TEXT NOT NULL,
  PRIMARY KEY (parent_id, outcome)
) WITHOUT ROWID;
