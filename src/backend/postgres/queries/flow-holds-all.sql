-- Every hold on now (queues, tasks, keys). Params: :now. Returns: name, until.
SELECT name, until FROM spool.queue_holds WHERE until > :now
