-- 0002_claim_function: the whole claim in one server-side call, so a claim costs one round trip
-- (plus BEGIN and COMMIT) whatever the number of queues: for each queue in the order given,
-- skip it if paused, promote its due scheduled jobs, then lease up to the rest of the limit in
-- claim order (priority DESC, run_at, id) with FOR UPDATE SKIP LOCKED; finally, when the limit
-- was not filled, the earliest run_at among the scheduled jobs of the unpaused queues.
-- Returns jsonb: {"jobs": [job rows], "next_run_at": bigint | null}.
CREATE OR REPLACE FUNCTION spool.claim(
  p_queues text[], p_tasks text[], p_limit bigint, p_now bigint, p_token text, p_worker text, p_lease_ms bigint
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  q text;
  room bigint := p_limit;
  claimed jsonb := '[]';
  batch jsonb;
  open text[] := '{}';
  next_run bigint;
BEGIN
  FOREACH q IN ARRAY p_queues LOOP
    CONTINUE WHEN EXISTS (SELECT 1 FROM spool.queues AS s WHERE s.name = q AND s.paused);
    open := open || q;
    UPDATE spool.jobs SET state = 'queued'
    WHERE id IN (
      SELECT d.id FROM spool.jobs AS d
      WHERE d.state = 'scheduled' AND d.queue = q AND d.run_at <= p_now
      FOR UPDATE SKIP LOCKED
    );
    CONTINUE WHEN room <= 0;
    WITH c AS (
      SELECT r.id FROM spool.jobs AS r
      WHERE r.state = 'queued' AND r.queue = q AND (p_tasks IS NULL OR r.task = ANY(p_tasks))
      ORDER BY r.priority DESC, r.run_at, r.id
      LIMIT room
      FOR UPDATE SKIP LOCKED
    ), u AS (
      UPDATE spool.jobs AS j SET
        state = 'running',
        attempt = j.attempt + 1,
        lease_token = p_token,
        lease_expires_at = p_now + coalesce(j.lease_ms, p_lease_ms),
        worker_id = p_worker,
        started_at = p_now,
        updated_at = p_now
      FROM c WHERE j.id = c.id
      RETURNING j.*
    )
    SELECT coalesce(jsonb_agg(to_jsonb(u)), '[]') INTO batch FROM u;
    claimed := claimed || batch;
    room := room - jsonb_array_length(batch);
  END LOOP;
  IF room > 0 AND cardinality(open) > 0 THEN
    SELECT min(s.run_at) INTO next_run FROM spool.jobs AS s WHERE s.state = 'scheduled' AND s.queue = ANY(open);
  END IF;
  RETURN jsonb_build_object('jobs', claimed, 'next_run_at', next_run);
END
$$;
