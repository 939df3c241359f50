-- 0021_follow_ups: durable follow-ups (docs/flow-control.md, src/backend/follow-ups.ts). A job
-- created with `then` / `catch` keeps one row per outcome here (the FollowUpJob template as
-- JSON) and is marked has_dependents, so the writes that record its outcome (complete, fail,
-- rescue: they already look at has_dependents) take the rows and insert the follow-up job in
-- the same transaction. Rows go when the outcome takes them.
CREATE TABLE spool.follow_ups (
  parent_id text COLLATE "C" NOT NULL,
  outcome   text COLLATE "C" NOT NULL,
  job       text NOT NULL,
  PRIMARY KEY (parent_id, outcome)
);
