-- Until when queues, tasks or keys are held. Params: :names (text[]). Returns: name, until.
SELECT name, until FROM spool.queue_holds WHERE name = ANY(:names::text[])
