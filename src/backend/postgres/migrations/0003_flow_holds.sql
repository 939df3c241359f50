-- 0003_flow_holds: queues held by a handler's RateLimitedError (docs/flow-control.md): no claim
-- starts a job of the queue before `until`. Expired rows are harmless and overwritten.
CREATE TABLE spool.queue_holds (
  name  text COLLATE "C" NOT NULL PRIMARY KEY,
  until bigint NOT NULL
);
