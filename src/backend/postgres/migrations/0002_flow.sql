-- 0002_flow: flow-control limits per queue (docs/flow-control.md). A queue without a row has none.
-- A claim of a queue with a row locks it (FOR UPDATE), so claims of a limited queue take turns
-- and each counts the running jobs its predecessors committed; `rate_tat` is the GCRA
-- theoretical arrival time of the rate limit (fractional ms).
CREATE TABLE spool.queue_limits (
  name        text COLLATE "C" NOT NULL PRIMARY KEY,
  concurrency integer,
  rate_limit  integer,
  rate_per_ms bigint,
  rate_burst  integer,
  rate_tat    double precision,
  updated_at  bigint NOT NULL
);
