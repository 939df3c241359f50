-- 0007_flow_holds: queues held by a handler's RateLimitedError (docs/flow-control.md): no claim
-- starts a job of the queue before `until`. Expired rows are harmless and overwritten.
CREATE TABLE spool_queue_holds (
  name  TEXT    NOT NULL PRIMARY KEY,
  until INTEGER NOT NULL
) WITHOUT ROWID;
