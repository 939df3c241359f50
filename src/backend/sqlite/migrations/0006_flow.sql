-- 0006_flow: flow-control limits per queue (docs/flow-control.md). A queue without a row has none.
-- `rate_tat` is the GCRA theoretical arrival time of the rate limit (REAL: T = per / limit is
-- fractional), moved on by each claim that starts jobs of the queue.
CREATE TABLE spool_queue_limits (
  name        TEXT    NOT NULL PRIMARY KEY,
  concurrency INTEGER,
  rate_limit  INTEGER,
  rate_per_ms INTEGER,
  rate_burst  INTEGER,
  rate_tat    REAL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
