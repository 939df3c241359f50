// generated — do not edit. Source: src/backend/postgres/{queries,migrations}/*.sql; run `node scripts/embed-sql.mjs`.

/**
 * `queries/audit-insert.sql`: Appends audit entries; an id already stored is left as it is (appends are idempotent).
 * Params: :ids, :ats (bigint[]), :entries (JSON text[]).
 */
export const AUDIT_INSERT = "INSERT INTO spool.audit (id, at, entry)\nSELECT * FROM unnest(:ids::text[], :ats::bigint[], :entries::text[])\nON CONFLICT (id) DO NOTHING";

/**
 * `queries/audit-list.sql`: A page of audit entries, newest first, before the cursor id (primary key order).
 * Params: :before (id or NULL), :limit.
 * Returns: id, entry.
 */
export const AUDIT_LIST = "SELECT id, entry FROM spool.audit WHERE (:before::text IS NULL OR id < :before::text) ORDER BY id DESC LIMIT :limit::bigint";

/**
 * `queries/audit-prune.sql`: Removes up to :limit entries older than :before, oldest first (through the `at` index).
 * Params: :before, :limit.
 * Returns: one row per removed entry.
 */
export const AUDIT_PRUNE = "DELETE FROM spool.audit WHERE id IN (\n  SELECT id FROM spool.audit WHERE at < :before::bigint ORDER BY at LIMIT :limit::bigint\n)\nRETURNING 1 AS removed";

/**
 * `queries/dedupe-job.sql`: The state and queue of a dedupe key's job (no row: the job is gone).
 * Params: :id.
 * Returns: state, queue.
 */
export const DEDUPE_JOB = "SELECT state, queue FROM spool.jobs WHERE id = :id::text";

/**
 * `queries/dedupe-lock.sql`: Takes a dedupe key's row, locked until the transaction ends: inserted for :job_id at :now when
 * the key has none (then job_id = :job_id comes back), else the existing row unchanged. The
 * job's state is read by a later statement (dedupe-job.sql): this statement's snapshot may
 * predate the transaction it waited for, whose job it would not see.
 * Params: :task, :key, :job_id, :now.
 * Returns: job_id, first_at.
 */
export const DEDUPE_LOCK = "INSERT INTO spool.dedupe AS d (task, key, job_id, first_at)\nVALUES (:task::text, :key::text, :job_id::text, :now::bigint)\nON CONFLICT (task, key) DO UPDATE SET task = d.task\nRETURNING d.job_id, d.first_at";

/**
 * `queries/dedupe-put.sql`: Records the job just created for a dedupe key (its row is locked by dedupe-lock.sql).
 * Params: :task, :key, :job_id, :now.
 */
export const DEDUPE_PUT = "UPDATE spool.dedupe SET job_id = :job_id::text, first_at = :now::bigint\nWHERE task = :task::text AND key = :key::text";

/**
 * `queries/deps-children.sql`: The jobs waiting for :parent_id.
 * Params: :parent_id.
 * Returns: child_id.
 */
export const DEPS_CHILDREN = "SELECT child_id FROM spool.job_deps WHERE parent_id = :parent_id::text";

/**
 * `queries/deps-delete.sql`: Removes every dependency edge touching one job (as parent or child). Children of a removed
 * parent keep their pending counters: a parent that never completed still blocks them.
 * Params: :id.
 */
export const DEPS_DELETE = "DELETE FROM spool.job_deps WHERE parent_id = :id::text OR child_id = :id::text";

/**
 * `queries/deps-insert.sql`: Records dependency edges (child waits for parent).
 * Params: :parents (text[]), :children (text[]), same length.
 */
export const DEPS_INSERT = "INSERT INTO spool.job_deps (parent_id, child_id)\nSELECT * FROM unnest(:parents::text[], :children::text[])\nON CONFLICT DO NOTHING";

/**
 * `queries/deps-release.sql`: One dependency of every waiting child of the :parent_ids completed: count it down (once per
 * completed parent); a child whose last dependency completed becomes scheduled (run_at ahead) or
 * queued (run_at raised to :now).
 * Params: :parent_ids (text[]), :now.
 * Returns: id, queue, state of each child touched.
 */
export const DEPS_RELEASE = "UPDATE spool.jobs AS j SET\n  pending_dependencies = greatest(0, j.pending_dependencies - d.n),\n  state = CASE\n    WHEN j.pending_dependencies <= d.n THEN CASE WHEN j.run_at > :now::bigint THEN 'scheduled' ELSE 'queued' END\n    ELSE j.state\n  END,\n  run_at = CASE WHEN j.pending_dependencies <= d.n AND j.run_at < :now::bigint THEN :now::bigint ELSE j.run_at END,\n  updated_at = CASE WHEN j.pending_dependencies <= d.n THEN :now::bigint ELSE j.updated_at END\nFROM (\n  SELECT child_id, count(*) AS n FROM spool.job_deps WHERE parent_id = ANY(:parent_ids::text[]) GROUP BY child_id\n) AS d\nWHERE j.id = d.child_id AND j.state = 'waiting'\nRETURNING j.id, j.queue, j.state";

/**
 * `queries/events-get.sql`: One stored change-feed batch.
 * Params: :seq.
 * Returns: events (no row: pruned).
 */
export const EVENTS_GET = "SELECT events FROM spool.events WHERE seq = :seq::bigint";

/**
 * `queries/events-insert.sql`: Stores one change-feed batch too large for a NOTIFY payload.
 * Params: :at, :events (encoded batch).
 * Returns: seq.
 */
export const EVENTS_INSERT = "INSERT INTO spool.events (at, events) VALUES (:at::bigint, :events::text) RETURNING seq";

/**
 * `queries/events-prune.sql`: Drops stored change-feed batches older than :before.
 * Params: :before.
 */
export const EVENTS_PRUNE = "DELETE FROM spool.events WHERE at < :before::bigint";

/**
 * `queries/flow-claim.sql`: Claims the jobs the fair claim chose if they are still queued (a plain claim may have taken
 * a job without limits meanwhile: READ COMMITTED re-checks the row after its lock), and, when
 * :move, stores the last group it served as the queue's rotation cursor (flow-start.sql).
 * Params: :ids (text[]), :now, :token, :worker_id, :lease_ms, :move (boolean), :queue,
 *   :cursor_task (NULL: the jobs without limits), :cursor_key.
 * Returns: every column of each claimed job (in no particular order).
 */
export const FLOW_CLAIM = "WITH cursor_moved AS (\n  INSERT INTO spool.flow_cursor (queue, task, flow_key)\n  SELECT :queue::text, :cursor_task::text, :cursor_key::text WHERE :move::boolean\n  ON CONFLICT (queue) DO UPDATE SET task = excluded.task, flow_key = excluded.flow_key\n)\nUPDATE spool.jobs AS j SET\n  state = 'running',\n  attempt = j.attempt + 1,\n  lease_token = :token::text,\n  lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint),\n  worker_id = :worker_id::text,\n  started_at = :now::bigint,\n  updated_at = :now::bigint\nWHERE j.id = ANY(:ids::text[]) AND j.state = 'queued'\nRETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key";

/**
 * `queries/flow-group-jobs.sql`: More queued jobs of some groups (task, limit key) of a queue, each in claim order (priority
 * DESC, run_at, id; index jobs_flow_groups): group i's :ns[i] jobs after its first :skips[i].
 * Params: :queue, :tasks (text[]), :keys (text[]), :skips (bigint[]), :ns (bigint[]).
 * Returns: i (the group's place in the arrays, from 1), id, flow; by i, then claim order.
 */
export const FLOW_GROUP_JOBS = "SELECT g.i, j.id, j.flow\nFROM unnest(:tasks::text[], :keys::text[], :skips::bigint[], :ns::bigint[])\n  WITH ORDINALITY AS g(task, flow_key, skip, n, i)\nCROSS JOIN LATERAL (\n  SELECT id, flow, priority, run_at FROM spool.jobs\n  WHERE state = 'queued' AND queue = :queue::text AND task = g.task AND flow_key = g.flow_key\n  ORDER BY priority DESC, run_at, id\n  LIMIT g.n OFFSET g.skip\n) AS j\nORDER BY g.i, j.priority DESC, j.run_at, j.id";

/**
 * `queries/flow-holds-all.sql`: Every hold on now (queues, tasks, keys). Params: :now. Returns: name, until.
 */
export const FLOW_HOLDS_ALL = "SELECT name, until FROM spool.queue_holds WHERE until > :now";

/**
 * `queries/flow-live.sql`: Live (queued or running) jobs of a cap group, oldest first (strategy at the cap): the task's
 * jobs with limits and, for a keyed cap, limit key :key (NULL: every key of the task).
 * Params: :task, :key. Returns: id.
 */
export const FLOW_LIVE = "SELECT id FROM spool.jobs\nWHERE state IN ('queued', 'running') AND task = :task::text AND flow_key IS NOT NULL\n  AND (:key::text IS NULL OR flow_key = :key::text)\nORDER BY created_at, id";

/**
 * `queries/flow-lock.sql`: Serializes fair claims (per-task and per-key limits) cluster-wide until the transaction
 * ends: a claim counts the running jobs every earlier fair claim committed. Plain claims take
 * no part (they never take jobs with limits).
 */
export const FLOW_LOCK = "SELECT pg_advisory_xact_lock(7305114219931761)";

/**
 * `queries/flow-pending.sql`: Which of :queues a claim must serve by the fair path: they have queued (or due scheduled)
 * jobs with limits; all of them while a task or key hold is on (those names hold a 0x1f).
 * One probe per queue that stops at the first row (ORDER BY … LIMIT 1 in a scalar subquery:
 * an EXISTS loses its ORDER BY, and with it the reason to prefer an index over a scan). Before,
 * a DISTINCT over the matching rows read every queued job with limits, so every fair claim's
 * cost grew with the backlog (183 ms at 100,000 queued, on a loaded machine; now 0.08 ms).
 * Params: :queues (text[]), :now. Returns: queue.
 */
export const FLOW_PENDING = "SELECT q AS queue FROM unnest(:queues::text[]) AS q\nWHERE coalesce((\n    SELECT true FROM spool.jobs\n    WHERE queue = q AND state = 'queued' AND flow_key IS NOT NULL\n    ORDER BY queue, task, flow_key\n    LIMIT 1\n  ), false)\n  OR EXISTS (\n    SELECT 1 FROM spool.jobs\n    WHERE queue = q AND state = 'scheduled' AND flow_key IS NOT NULL AND run_at <= :now::bigint\n  )\n  OR EXISTS (SELECT 1 FROM spool.queue_holds WHERE until > :now::bigint AND strpos(name, chr(31)) > 0)";

/**
 * `queries/flow-plain-jobs.sql`: Queued jobs without limits of a queue in claim order (index jobs_plain_ready), from the
 * :skip-th on: the fair claim's group of jobs without limits.
 * Params: :queue, :tasks (text[] or NULL for any), :n, :skip. Returns: id, task.
 */
export const FLOW_PLAIN_JOBS = "SELECT id, task FROM spool.jobs\nWHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL\n  AND (:tasks::text[] IS NULL OR task = ANY(:tasks::text[]))\nORDER BY priority DESC, run_at, id\nLIMIT :n::bigint OFFSET :skip::bigint";

/**
 * `queries/flow-ring.sql`: One stretch of a queue's ring of groups (a task's queued jobs with one limit key) in
 * (task, flow_key) order: the groups after (:after_task, :after_key) — pass ('', '') to start
 * at the first, task names are never empty — and, when :upto_task is not NULL, at most up to
 * (:upto_task, :upto_key), at most :groups of them; each with its first jobs in claim order
 * (priority DESC, run_at, id), about :room spread over the groups found. A group of a task
 * not in :tasks comes back without jobs. Each step of the walk is one seek of jobs_flow_groups
 * (a loose index scan), so the cost does not grow with the number of queued jobs.
 * Params: :queue, :after_task, :after_key, :upto_task, :upto_key, :groups, :room,
 *   :tasks (text[] or NULL for any).
 * Returns: n (the group's place in the stretch, from 1), task, flow_key, then id and flow of
 *   one job (NULL when the group brings none), ordered by n then claim order.
 */
export const FLOW_RING = "WITH RECURSIVE walk AS (\n  SELECT 1 AS n, f.task, f.flow_key FROM (\n    SELECT task, flow_key FROM spool.jobs\n    WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NOT NULL\n      AND (task, flow_key) > (:after_task::text, :after_key::text)\n    ORDER BY task, flow_key\n    LIMIT 1\n  ) AS f\n  WHERE :upto_task::text IS NULL OR (f.task, f.flow_key) <= (:upto_task::text, :upto_key::text)\n  UNION ALL\n  SELECT w.n + 1, nx.task, nx.flow_key FROM walk AS w\n  CROSS JOIN LATERAL (\n    SELECT task, flow_key FROM spool.jobs\n    WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NOT NULL\n      AND (task, flow_key) > (w.task, w.flow_key)\n    ORDER BY task, flow_key\n    LIMIT 1\n  ) AS nx\n  WHERE w.n < :groups::bigint\n    AND (:upto_task::text IS NULL OR (nx.task, nx.flow_key) <= (:upto_task::text, :upto_key::text))\n),\nfound AS (SELECT count(*) AS c FROM walk)\nSELECT w.n, w.task, w.flow_key, j.id, j.flow FROM walk AS w\nCROSS JOIN found\nLEFT JOIN LATERAL (\n  SELECT id, flow, priority, run_at FROM spool.jobs\n  WHERE state = 'queued' AND queue = :queue::text AND task = w.task AND flow_key = w.flow_key\n    AND (:tasks::text[] IS NULL OR w.task = ANY(:tasks::text[]))\n  ORDER BY priority DESC, run_at, id\n  LIMIT greatest(1, ceil(:room::numeric / found.c))\n) AS j ON true\nORDER BY w.n, j.priority DESC, j.run_at, j.id";

/**
 * `queries/flow-running.sql`: Running jobs with limits of the tasks in :tasks, per task and limit key (the fair claim sums
 * them for a cap without a key).
 * Params: :tasks (text[]). Returns: task, flow_key, n.
 */
export const FLOW_RUNNING = "SELECT task, flow_key, count(*)::int AS n FROM spool.jobs\nWHERE state = 'running' AND flow_key IS NOT NULL AND task = ANY(:tasks::text[])\nGROUP BY task, flow_key";

/**
 * `queries/flow-start.sql`: What a fair claim reads first, in one round trip: the last group the queue's previous fair
 * claim served (kind 'c'; task NULL: the jobs without limits; no row: none yet), and every hold
 * in force (kind 'h': queues, tasks and keys; names and ends).
 * Params: :queue, :now. Returns: kind, name (cursor: task), flow_key (cursor only), until (holds only).
 */
export const FLOW_START = "SELECT 'c' AS kind, task AS name, flow_key, NULL::bigint AS until FROM spool.flow_cursor WHERE queue = :queue::text\nUNION ALL\nSELECT 'h', name, NULL, until FROM spool.queue_holds WHERE until > :now::bigint";

/**
 * `queries/flow-tat-put.sql`: Stores the rate state of a task or key group. Params: :grp, :tat.
 */
export const FLOW_TAT_PUT = "INSERT INTO spool.flow_state (grp, tat) VALUES (:grp::text, :tat::double precision)\nON CONFLICT (grp) DO UPDATE SET tat = excluded.tat";

/**
 * `queries/flow-tats.sql`: The rate state of task and key groups. Params: :grps (text[]). Returns: grp, tat.
 */
export const FLOW_TATS = "SELECT grp, tat FROM spool.flow_state WHERE grp = ANY(:grps::text[])";

/**
 * `queries/flow-waiting-held.sql`: Queued jobs without limits of the tasks a task hold is on now (flow-waiting.ts): a task
 * hold's name is 't', 0x1f, the task. Driven by the holds (a LATERAL count per hold), so with
 * none in force no job is read: written as a join, the planner (misled by a queue's fast-changing
 * statistics) walked every queued job and probed the holds for each, 96-172 ms beside a
 * 50,000-job backlog, on every queues.list.
 * Params: :now. Returns: queue, task, n.
 */
export const FLOW_WAITING_HELD = "SELECT c.queue, substr(h.name, 3) AS task, c.n\nFROM spool.queue_holds AS h\nCROSS JOIN LATERAL (\n  SELECT j.queue, count(*)::int AS n FROM spool.jobs AS j\n  WHERE j.task = substr(h.name, 3) AND j.state = 'queued' AND j.flow_key IS NULL\n  GROUP BY j.queue\n) AS c\nWHERE h.until > :now AND left(h.name, 2) = 't' || chr(31)";

/**
 * `queries/flow-waiting.sql`: Queued jobs with limits per queue, task, limit key and limits (flow-waiting.ts).
 * Params: none. Returns: queue, task, flow_key, flow, n.
 */
export const FLOW_WAITING = "SELECT queue, task, flow_key, flow, count(*)::int AS n FROM spool.jobs\nWHERE state = 'queued' AND flow_key IS NOT NULL\nGROUP BY queue, task, flow_key, flow";

/**
 * `queries/follow-up-insert.sql`: Stores the follow-up templates of a new job and marks it has_dependents.
 * Params: :parent_id, :outcomes (text[]), :jobs (text[]: FollowUpJob JSON, same order).
 */
export const FOLLOW_UP_INSERT = "WITH mark AS (UPDATE spool.jobs SET has_dependents = true WHERE id = :parent_id::text)\nINSERT INTO spool.follow_ups (parent_id, outcome, job)\nSELECT :parent_id::text, o, j FROM unnest(:outcomes::text[], :jobs::text[]) AS t(o, j)";

/**
 * `queries/follow-up-list.sql`: A job's follow-up rows (templates and the "made" link, backend/follow-ups.ts) by the primary
 * key, joined to the job so one read tells "no such job" (no row) from "no follow-ups" (one row
 * with a null outcome).
 * Params: :id.
 * Returns: outcome, job (both null when the job has no follow-up rows).
 */
export const FOLLOW_UP_LIST = "SELECT f.outcome, f.job\nFROM spool.jobs j LEFT JOIN spool.follow_ups f ON f.parent_id = j.id\nWHERE j.id = :id::text";

/**
 * `queries/follow-up-made.sql`: At a job's outcome, after inserting its follow-up: the link to it ("made" row,
 * backend/follow-ups.ts), which outlives the templates the outcome took.
 * Params: :parent_id, :job (the link's JSON).
 */
export const FOLLOW_UP_MADE = "INSERT INTO spool.follow_ups (parent_id, outcome, job) VALUES (:parent_id::text, 'made', :job)";

/**
 * `queries/follow-up-take.sql`: At a job's outcome: removes its follow-up templates (both outcomes) and returns them; the
 * caller inserts the one for the outcome. The link to a follow-up an earlier outcome made (the
 * "made" row, backend/follow-ups.ts) stays.
 * Params: :parent_id.
 * Returns: outcome, job.
 */
export const FOLLOW_UP_TAKE = "DELETE FROM spool.follow_ups WHERE parent_id = :parent_id::text AND outcome <> 'made' RETURNING outcome, job";

/**
 * `queries/job-backoff.sql`: Gives a running job fenced by :token back to wait until :run_at without counting the attempt
 * (a handler's RateLimitedError): scheduled, or queued when :run_at is not ahead of :now.
 * Params: :id, :token, :run_at, :now.
 * Returns: queue, state (no row: refused).
 */
export const JOB_BACKOFF = "UPDATE spool.jobs SET\n  state = CASE WHEN :run_at::bigint > :now::bigint THEN 'scheduled' ELSE 'queued' END,\n  run_at = :run_at::bigint,\n  attempt = greatest(0, attempt - 1),\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now::bigint\nWHERE id = :id::text AND state = 'running' AND lease_token = :token::text\nRETURNING queue, state";

/**
 * `queries/job-by-key.sql`: The job holding an idempotency key for a task.
 * Params: :task, :key.
 * Returns: id, state.
 */
export const JOB_BY_KEY = "SELECT id, state FROM spool.jobs WHERE task = :task::text AND key = :key::text";

/**
 * `queries/job-cancel-dependent.sql`: Cancels a dependent of a failed or cancelled job unless it is final, running, or a spawn
 * waiter (its policy applies instead: job-spawn-settle.sql).
 * Params: :id, :now.
 * Returns: queue, has_dependents (no row: left alone).
 */
export const JOB_CANCEL_DEPENDENT = "UPDATE spool.jobs SET\n  state = 'cancelled',\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now::bigint,\n  updated_at = :now::bigint\nWHERE id = :id::text AND state IN ('waiting', 'scheduled', 'queued') AND spawn_policy IS NULL\nRETURNING queue, has_dependents";

/**
 * `queries/job-cancel.sql`: Cancels one job that is not final yet (a running job loses its lease).
 * Params: :id, :now.
 * Returns: queue, has_dependents, spawn_policy, depends_on (no row: already final or missing).
 */
export const JOB_CANCEL = "UPDATE spool.jobs SET\n  state = 'cancelled',\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now::bigint,\n  updated_at = :now::bigint\nWHERE id = :id::text AND state NOT IN ('completed', 'failed', 'cancelled')\nRETURNING queue, has_dependents, spawn_policy, depends_on";

/**
 * `queries/job-claim-fast.sql`: The common claim in ONE statement (one round trip, one implicit transaction): up to :limit
 * queued jobs of one queue that is not paused, has no limits row and no hold in force, and has no
 * scheduled job due (those need the full claim: promotion, flow control). When the gate is
 * closed nothing is claimed and `fast` is false: the caller runs the full claim instead.
 * Claimed rows as job-claim.sql; the `job:started` notification goes out after the commit.
 * Params: :queue, :tasks (text[] or NULL: any task), :limit, :now (NULL: the server's clock),
 *   :token, :worker_id, :lease_ms.
 * Returns: one row per claimed job in claim order (or one row with id NULL when none), each with
 *   fast, now, next_run_at (earliest scheduled run_at of the queue), then CLAIM_COLUMNS (rows.ts):
 *   only the columns the claim did not set (queue, state, worker, token and times are known to
 *   the caller), the JSON columns NULL when empty (nothing to parse). Read as arrays, not
 *   objects: the claim is the hottest read, and each column returned costs a value per job.
 * The claim commits without waiting for its WAL flush (synchronous_commit off for this
 * transaction only): a claim lost to a server crash leaves the job queued, to run again, and
 * the lost run's outcome is refused by its token, as after any lost lease. Every later durable
 * commit (the completion) flushes the claim with it.
 */
export const JOB_CLAIM_FAST = "WITH t AS (\n  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now,\n    set_config('synchronous_commit', 'off', true) AS relaxed\n),\ngate AS (\n  SELECT NOT EXISTS (SELECT 1 FROM spool.queues AS q WHERE q.name = :queue::text AND q.paused)\n    AND NOT EXISTS (SELECT 1 FROM spool.queue_limits AS l WHERE l.name = :queue::text)\n    AND NOT EXISTS (SELECT 1 FROM spool.queue_holds AS h WHERE h.name = :queue::text AND h.until > (SELECT now FROM t))\n    AND NOT EXISTS (\n      SELECT 1 FROM spool.jobs AS s\n      WHERE s.state = 'scheduled' AND s.queue = :queue::text AND s.run_at <= (SELECT now FROM t)\n    )\n    -- Jobs with task or key limits need the fair, gated claim (index jobs_flow_ready).\n    AND NOT EXISTS (\n      SELECT 1 FROM spool.jobs AS f\n      WHERE f.queue = :queue::text AND f.state IN ('queued', 'scheduled') AND f.flow_key IS NOT NULL\n    ) AS fast\n),\nc AS (\n  SELECT id FROM spool.jobs\n  WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL\n    AND (:tasks::text[] IS NULL OR task = ANY(:tasks::text[]))\n    AND (SELECT fast FROM gate)\n  ORDER BY priority DESC, run_at, id\n  LIMIT :limit::bigint\n  FOR UPDATE SKIP LOCKED\n),\nu AS (\n  UPDATE spool.jobs AS j SET\n    state = 'running',\n    attempt = j.attempt + 1,\n    lease_token = :token::text,\n    lease_expires_at = t.now + coalesce(j.lease_ms, :lease_ms::bigint),\n    worker_id = :worker_id::text,\n    started_at = t.now,\n    updated_at = t.now\n  FROM t\n  -- The ids as one array: the update probes the primary key per id. Joined to c instead, the\n  -- planner hash-joined c with a sequential scan of the whole table (every job, finished\n  -- ones too): 21 of a 225-job claim's 32 ms with 22,000 jobs stored (bench/pg-explain.ts).\n  WHERE j.id = ANY(ARRAY(SELECT c.id FROM c))\n  RETURNING j.id, j.task, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n    nullif(j.errors, '[]'::jsonb) AS errors, j.progress, j.key, nullif(j.meta, '{}') AS meta,\n    nullif(j.depends_on, '{}'::text[]) AS depends_on, j.pending_dependencies, j.lease_ms, j.timeout_ms,\n    j.created_at, j.finished_at\n)\nSELECT (SELECT fast FROM gate) AS fast, (SELECT now FROM t) AS now,\n  (SELECT min(s.run_at) FROM spool.jobs AS s WHERE s.state = 'scheduled' AND s.queue = :queue::text) AS next_run_at,\n  u.*\nFROM (SELECT 1) AS one LEFT JOIN u ON true\nORDER BY u.priority DESC, u.run_at, u.id";

/**
 * `queries/job-claim-tasks.sql`: As job-claim.sql, but only jobs of the tasks in :tasks: a worker claims only the tasks it
 * registered; jobs of other tasks stay queued, untouched, for other workers.
 * Params: :queue, :tasks (text[]), :limit, :now, :token, :worker_id, :lease_ms.
 * Returns: every column of each claimed job (in no particular order).
 */
export const JOB_CLAIM_TASKS = "UPDATE spool.jobs AS j SET\n  state = 'running',\n  attempt = j.attempt + 1,\n  lease_token = :token::text,\n  lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint),\n  worker_id = :worker_id::text,\n  started_at = :now::bigint,\n  updated_at = :now::bigint\n-- The ids as one array, so the update probes the primary key per id (joined as a table, the\n-- planner may hash-join them with a sequential scan of every job: job-claim-fast.sql).\nWHERE j.id = ANY(ARRAY(\n  SELECT id FROM spool.jobs\n  WHERE state = 'queued' AND queue = :queue::text AND task = ANY(:tasks::text[]) AND flow_key IS NULL\n    AND NOT EXISTS (SELECT 1 FROM spool.queues AS q WHERE q.name = :queue::text AND q.paused)\n  ORDER BY priority DESC, run_at, id\n  LIMIT :limit::bigint\n  FOR UPDATE SKIP LOCKED\n))\nRETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key";

/**
 * `queries/job-claim.sql`: Claims up to :limit queued jobs of one unpaused queue in claim order (priority DESC, run_at,
 * id): running, attempt + 1, a lease fenced by :token. Jobs with task or key limits (flow_key set)
 * are left to the fair claim (flow-claim.sql). Rows locked by a concurrent claim are
 * skipped (FOR UPDATE SKIP LOCKED), so claimers never wait for each other.
 * Params: :queue, :limit, :now, :token, :worker_id, :lease_ms (default for jobs without their own).
 * Returns: every column of each claimed job (in no particular order).
 */
export const JOB_CLAIM = "UPDATE spool.jobs AS j SET\n  state = 'running',\n  attempt = j.attempt + 1,\n  lease_token = :token::text,\n  lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint),\n  worker_id = :worker_id::text,\n  started_at = :now::bigint,\n  updated_at = :now::bigint\n-- The ids as one array, so the update probes the primary key per id (joined as a table, the\n-- planner may hash-join them with a sequential scan of every job: job-claim-fast.sql).\nWHERE j.id = ANY(ARRAY(\n  SELECT id FROM spool.jobs\n  WHERE state = 'queued' AND queue = :queue::text AND flow_key IS NULL\n    AND NOT EXISTS (SELECT 1 FROM spool.queues AS q WHERE q.name = :queue::text AND q.paused)\n  ORDER BY priority DESC, run_at, id\n  LIMIT :limit::bigint\n  FOR UPDATE SKIP LOCKED\n))\nRETURNING j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key";

/**
 * `queries/job-complete-fast.sql`: Completes a batch of running jobs in ONE statement (one round trip, one implicit
 * transaction), each only if its token still fences it and nobody depends on it (a job with
 * dependents needs the cascade of the full path, which the caller runs for every id not
 * returned here: refused, or with dependents). Progress (if any) goes to 100%. The
 * `job:completed` notification goes out after the commit. Ids must be distinct (the caller checks).
 * Params: :ids, :tokens, :results (text[], same length), :now (NULL: the server's clock).
 * Returns: id, queue, attempt of each completed job (batch order), now.
 */
export const JOB_COMPLETE_FAST = "WITH t AS (\n  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now\n),\nb AS (\n  SELECT * FROM unnest(:ids::text[], :tokens::text[], :results::text[]) WITH ORDINALITY AS b(id, token, result, ord)\n),\nu AS (\n  UPDATE spool.jobs AS j SET\n    state = 'completed',\n    result = b.result,\n    progress = CASE WHEN j.progress IS NULL THEN NULL ELSE jsonb_set(j.progress, '{percent}', '100') END,\n    lease_token = NULL,\n    lease_expires_at = NULL,\n    finished_at = t.now,\n    updated_at = t.now\n  FROM b, t\n  WHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token AND NOT j.has_dependents\n  RETURNING j.id, j.queue, j.attempt, b.ord\n)\nSELECT u.id, u.queue, u.attempt, (SELECT now FROM t) AS now FROM u ORDER BY u.ord";

/**
 * `queries/job-complete-many.sql`: Completes a batch of running jobs, each only if its token still fences it; progress (if any)
 * goes to 100%. One statement for the batch (ids must be distinct: the caller checks).
 * Params: :ids, :tokens, :results (text[], same length), :now.
 * Returns: id, queue, attempt, has_dependents of each completed job (missing ids were refused).
 */
export const JOB_COMPLETE_MANY = "UPDATE spool.jobs AS j SET\n  state = 'completed',\n  result = b.result,\n  progress = CASE WHEN j.progress IS NULL THEN NULL ELSE jsonb_set(j.progress, '{percent}', '100') END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now::bigint,\n  updated_at = :now::bigint\nFROM unnest(:ids::text[], :tokens::text[], :results::text[]) AS b(id, token, result)\nWHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token\nRETURNING j.id, j.queue, j.attempt, j.has_dependents";

/**
 * `queries/job-dedupe-update.sql`: Debounce / replace: the pending job of a dedupe key takes the new input, and for debounce a
 * new run time and the state it implies (computed by dedupe-rule.ts; NULL keeps them).
 * Params: :id, :input, :run_at, :state, :now.
 * Returns: state, queue (no row: a worker claimed the job meanwhile; the enqueue creates a new one).
 */
export const JOB_DEDUPE_UPDATE = "UPDATE spool.jobs SET\n  input = :input::text,\n  run_at = coalesce(:run_at::bigint, run_at),\n  state = coalesce(:state::text, state),\n  updated_at = :now::bigint\nWHERE id = :id::text AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING state, queue";

/**
 * `queries/job-delete.sql`: Removes one job that is not running, with the rows that only describe it: its follow-up
 * templates (a job that ended without taking them: cancelled, removed) and the dedupe row that
 * records it (a row whose job is gone matches nothing). Both only when the job was removed.
 * Params: :id.
 * Returns: queue, state, has_dependents, has_dependencies (no row: running or missing).
 */
export const JOB_DELETE = "WITH j AS (\n  DELETE FROM spool.jobs WHERE id = :id::text AND state <> 'running'\n  RETURNING id, queue, state, has_dependents, cardinality(depends_on) > 0 AS has_dependencies\n),\nf AS (DELETE FROM spool.follow_ups WHERE parent_id IN (SELECT id FROM j WHERE has_dependents)),\nd AS (DELETE FROM spool.dedupe WHERE job_id IN (SELECT id FROM j))\nSELECT queue, state, has_dependents, has_dependencies FROM j";

/**
 * `queries/job-enqueue-fast.sql`: The bulk-enqueue path in ONE statement, so in one round trip and one implicit transaction
 * (no BEGIN/COMMIT of its own): reads the server's time and inserts the batch (jobs without
 * keys or dependencies). Its change-feed notification goes out after the commit (notifier.ts).
 * A duplicate id violates the primary key and aborts the whole statement.
 * With :channel set, the statement also sends the batch's `job:enqueued` notification itself
 * (`:origin|` and the feed's group encoding, one group per job), which PostgreSQL delivers at
 * the commit: an idle worker hears of the job one round trip sooner than from the notifier's
 * separate send. Only for a small batch, and only one such statement in flight per process
 * (notifier.ts: a notifying commit holds the notify-queue lock through its WAL flush).
 * Params: :now (NULL: the server's clock), :channel and :origin (NULL: no notification here),
 *   and one array per column as JOB_INSERT_MANY (no :states: decided here against the server's
 *   time).
 * Returns: id, queue, state of each inserted job (batch order), now.
 */
export const JOB_ENQUEUE_FAST = "WITH t AS (\n  SELECT coalesce(:now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint) AS now\n),\nb AS (\n  SELECT b.*, CASE WHEN b.run_at > t.now THEN 'scheduled' ELSE 'queued' END AS state, t.now\n  FROM t, unnest(\n    :ids::text[], :tasks::text[], :queues::text[], :priorities::bigint[], :run_ats::bigint[],\n    :max_attempts::bigint[], :inputs::text[], :metas::text[], :lease_ms::bigint[], :timeout_ms::bigint[]\n  ) WITH ORDINALITY AS b(id, task, queue, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, ord)\n),\nins AS (\n  INSERT INTO spool.jobs (\n    id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms,\n    created_at, updated_at\n  )\n  SELECT id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, now, now\n  FROM b ORDER BY ord\n  RETURNING id\n),\nn AS (\n  SELECT CASE WHEN :channel::text IS NULL THEN NULL ELSE pg_notify(:channel::text, :origin::text || '|' ||\n    json_agg(json_build_array('job:enqueued', b.queue, b.state, b.now, json_build_array(b.id), NULL) ORDER BY b.ord)::text\n  ) END AS sent\n  -- Without the filter the json_agg ran for every batch, notifying or not (16% of a 1,000-job\n  -- enqueue's server time).\n  FROM b WHERE :channel::text IS NOT NULL\n)\nSELECT b.id, b.queue, b.state, b.now FROM b CROSS JOIN n ORDER BY b.ord";

/**
 * `queries/job-fail-many.sql`: Records a failed attempt of each running job fenced by its token. With a retry time and
 * attempts left it goes back to scheduled (or queued when the time is not ahead), else it ends
 * failed. SET expressions all read the row as it was before the update. Ids must be distinct.
 * Params: :ids, :tokens, :errors (JSON text), :retry_ats (bigint, NULL: no retry), :now.
 * Returns: id, queue, state, attempt, run_at, has_dependents (missing ids were refused).
 */
export const JOB_FAIL_MANY = "UPDATE spool.jobs AS j SET\n  errors = j.errors || jsonb_build_array(b.error::jsonb),\n  state = CASE\n    WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN\n      CASE WHEN b.retry_at > :now::bigint THEN 'scheduled' ELSE 'queued' END\n    ELSE 'failed'\n  END,\n  run_at = CASE\n    WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN greatest(b.retry_at, :now::bigint)\n    ELSE j.run_at\n  END,\n  finished_at = CASE WHEN b.retry_at IS NOT NULL AND j.attempt < j.max_attempts THEN j.finished_at ELSE :now::bigint END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now::bigint\nFROM unnest(:ids::text[], :tokens::text[], :errors::text[], :retry_ats::bigint[]) AS b(id, token, error, retry_at)\nWHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token\nRETURNING j.id, j.queue, j.state, j.attempt, j.run_at, j.has_dependents";

/**
 * `queries/job-get-many.sql`: Several jobs (in no particular order).
 * Params: :ids (text[]).
 * Returns: every column.
 */
export const JOB_GET_MANY = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j WHERE j.id = ANY(:ids::text[])";

/**
 * `queries/job-insert-many.sql`: Inserts a batch of new jobs that have no key and no dependencies (the bulk-enqueue path) in one
 * statement. A duplicate id violates the primary key and aborts the batch.
 * Params: :now, and one array per column: :ids, :tasks, :queues, :states, :priorities, :run_ats,
 *   :max_attempts, :inputs, :metas, :lease_ms, :timeout_ms, :flow_keys, :flows, :workflow_id (one id
 *   or NULL for all).
 */
export const JOB_INSERT_MANY = "INSERT INTO spool.jobs (\n  id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms,\n  created_at, updated_at, workflow_id, flow_key, flow\n)\nSELECT b.id, b.task, b.queue, b.state, b.priority, b.run_at, b.max_attempts, b.input, b.meta, b.lease_ms,\n  b.timeout_ms, :now::bigint, :now::bigint, :workflow_id::text, b.flow_key, b.flow\nFROM unnest(\n  :ids::text[], :tasks::text[], :queues::text[], :states::text[], :priorities::bigint[], :run_ats::bigint[],\n  :max_attempts::bigint[], :inputs::text[], :metas::text[], :lease_ms::bigint[], :timeout_ms::bigint[],\n  :flow_keys::text[], :flows::text[]\n) AS b(id, task, queue, state, priority, run_at, max_attempts, input, meta, lease_ms, timeout_ms, flow_key, flow)";

/**
 * `queries/job-insert.sql`: Inserts one new job; a job whose (task, key) another job holds is not inserted (no row back).
 * A duplicate id violates the primary key (the caller turns it into an error).
 * Params: :id, :task, :queue, :state, :priority, :run_at, :max_attempts, :input, :key, :meta,
 *   :depends_on (text[]), :pending_dependencies, :lease_ms, :timeout_ms, :now, :finished_at,
 *   :flow_key, :flow (NULL: no limits).
 * Returns: id (no row: the key is taken).
 */
export const JOB_INSERT = "INSERT INTO spool.jobs (\n  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,\n  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at, flow_key, flow\n) VALUES (\n  :id::text, :task::text, :queue::text, :state::text, :priority::bigint, :run_at::bigint, :max_attempts::bigint,\n  :input::text, :key::text, :meta::text, :depends_on::text[], :pending_dependencies::bigint, :lease_ms::bigint,\n  :timeout_ms::bigint, :now::bigint, :finished_at::bigint, :now::bigint, :flow_key::text, :flow::text\n)\nON CONFLICT (task, key) WHERE key IS NOT NULL DO NOTHING\nRETURNING id";

/**
 * `queries/job-leased.sql`: A running job, if :token still fences it (locked, so the lease holds until commit).
 * Params: :id, :token.
 * Returns: queue, attempt.
 */
export const JOB_LEASED = "SELECT queue, attempt FROM spool.jobs WHERE id = :id::text AND state = 'running' AND lease_token = :token::text\nFOR SHARE";

/**
 * `queries/job-list-queue.sql`: One page of one queue's jobs, oldest first: the walk of jobs_queue_id (migration 0090) in id
 * order, stopped after one page. The queue is matched by `>= AND <=` and the inner ORDER BY names
 * it, so only that index gives the order without a sort (as in job-list-task.sql). No state or
 * task filter here (those go to job-list-state.sql and job-list-task.sql first).
 * Params: :queue, and as job-list.sql without :states and :task.
 * Returns: every column.
 */
export const JOB_LIST_QUEUE_ASC = "SELECT p.* FROM unnest(ARRAY[:queue::text]) AS t(queue)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.queue >= t.queue AND j.queue <= t.queue\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.queue ASC, j.id ASC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-queue.sql`: One page of one queue's jobs, newest first: the walk of jobs_queue_id (migration 0090) in id
 * order, stopped after one page. The queue is matched by `>= AND <=` and the inner ORDER BY names
 * it, so only that index gives the order without a sort (as in job-list-task.sql). No state or
 * task filter here (those go to job-list-state.sql and job-list-task.sql first).
 * Params: :queue, and as job-list.sql without :states and :task.
 * Returns: every column.
 */
export const JOB_LIST_QUEUE_DESC = "SELECT p.* FROM unnest(ARRAY[:queue::text]) AS t(queue)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.queue >= t.queue AND j.queue <= t.queue\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.queue DESC, j.id DESC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-range-probe.sql`: The jobs created in [:created_after, :created_before) (a NULL bound is open), read from
 * jobs_created (migration 0063), at most :cap of them: how many, and their smallest and largest
 * id, which bound the walk of job-list-span.sql. n = :cap: the range may hold more.
 * Params: :created_after, :created_before, :cap.
 * Returns: n, lo, hi (NULL when n = 0).
 */
export const JOB_LIST_RANGE_PROBE = "SELECT count(*)::integer AS n, min(id) AS lo, max(id) AS hi FROM (\n  SELECT id FROM spool.jobs\n  WHERE created_at >= coalesce(:created_after::bigint, -9000000000000000000)\n    AND created_at < coalesce(:created_before::bigint, 9000000000000000000)\n  LIMIT :cap::bigint\n) AS r";

/**
 * `queries/job-list-span.sql`: One page of jobs, oldest first, among ids in [:lo, :hi]: a created-time range walks only the ids
 * between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
 * through the primary key. Each row is still checked against every filter.
 * Params: :lo, :hi (inclusive), and as job-list.sql.
 * Returns: every column.
 */
export const JOB_LIST_SPAN_ASC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.id >= :lo::text AND j.id <= :hi::text\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\nORDER BY j.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-span.sql`: One page of jobs, newest first, among ids in [:lo, :hi]: a created-time range walks only the ids
 * between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
 * through the primary key. Each row is still checked against every filter.
 * Params: :lo, :hi (inclusive), and as job-list.sql.
 * Returns: every column.
 */
export const JOB_LIST_SPAN_DESC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.id >= :lo::text AND j.id <= :hi::text\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\nORDER BY j.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-state.sql`: One page of jobs in the given states, oldest first: for each state (distinct), the walk of
 * jobs_state_id (migration 0063) in id order, stopped after one page; the pages merged by id.
 * `state = ANY(...)` on that index would read every job of those states and sort them. The
 * state is matched by `>= AND <=`, not `=`, and the inner ORDER BY names it: with `=` the planner
 * drops state from the order (it is constant) and may take the primary key and filter, which
 * read every job for a rare state (~3 s at 1M jobs); this way only jobs_state_id gives the
 * order without a sort.
 * Params: :states (text[], distinct), and as job-list.sql.
 * Returns: every column.
 */
export const JOB_LIST_STATE_ASC = "SELECT p.* FROM unnest(:states::text[]) AS s(state)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\n  FROM spool.jobs AS j\n  WHERE j.state >= s.state AND j.state <= s.state\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.state ASC, j.id ASC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-state.sql`: One page of jobs in the given states, newest first: for each state (distinct), the walk of
 * jobs_state_id (migration 0063) in id order, stopped after one page; the pages merged by id.
 * `state = ANY(...)` on that index would read every job of those states and sort them. The
 * state is matched by `>= AND <=`, not `=`, and the inner ORDER BY names it: with `=` the planner
 * drops state from the order (it is constant) and may take the primary key and filter, which
 * read every job for a rare state (~3 s at 1M jobs); this way only jobs_state_id gives the
 * order without a sort.
 * Params: :states (text[], distinct), and as job-list.sql.
 * Returns: every column.
 */
export const JOB_LIST_STATE_DESC = "SELECT p.* FROM unnest(:states::text[]) AS s(state)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\n  FROM spool.jobs AS j\n  WHERE j.state >= s.state AND j.state <= s.state\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.state DESC, j.id DESC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-task.sql`: One page of one task's jobs, oldest first: the walk of jobs_task_id (migration 0063) in id order,
 * stopped after one page. The task is matched by `>= AND <=` and the inner ORDER BY names it, so
 * only that index gives the order without a sort (as in job-list-state.sql: with `=` the planner
 * may take the primary key and filter, reading every job for a rare task). No state filter here.
 * Params: :task, and as job-list.sql without :states.
 * Returns: every column.
 */
export const JOB_LIST_TASK_ASC = "SELECT p.* FROM unnest(ARRAY[:task::text]) AS t(task)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.task >= t.task AND j.task <= t.task\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.task ASC, j.id ASC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-list-task.sql`: One page of one task's jobs, newest first: the walk of jobs_task_id (migration 0063) in id order,
 * stopped after one page. The task is matched by `>= AND <=` and the inner ORDER BY names it, so
 * only that index gives the order without a sort (as in job-list-state.sql: with `=` the planner
 * may take the primary key and filter, reading every job for a rare task). No state filter here.
 * Params: :task, and as job-list.sql without :states.
 * Returns: every column.
 */
export const JOB_LIST_TASK_DESC = "SELECT p.* FROM unnest(ARRAY[:task::text]) AS t(task)\nCROSS JOIN LATERAL (\nSELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE j.task >= t.task AND j.task <= t.task\n  AND (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\n  ORDER BY j.task DESC, j.id DESC\n  LIMIT :limit::bigint\n) AS p\nORDER BY p.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-list.sql`: One page of jobs, oldest first (ids sort by creation). A NULL filter matches everything.
 * Params: :queue, :states (text[]), :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page),
 *   :search (lower-case substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_ASC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\nORDER BY j.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-list.sql`: One page of jobs, newest first (ids sort by creation). A NULL filter matches everything.
 * Params: :queue, :states (text[]), :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page),
 *   :search (lower-case substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_DESC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (:search::text IS NULL OR strpos(lower(\n    j.id || chr(10) || coalesce(j.key, '') || chr(10) || coalesce(j.errors -> -1 ->> 'message', '')\n  ), :search::text) > 0)\nORDER BY j.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-lock-parents.sql`: Locks the parents a new job depends on and flags them as having dependents, returning their
 * state after any concurrent transition committed: a parent completing at the same moment either
 * finished first (the child sees `completed`) or waits for this insert and then finds the edge.
 * Params: :ids (text[]).
 * Returns: id, state.
 */
export const JOB_LOCK_PARENTS = "UPDATE spool.jobs SET has_dependents = true WHERE id = ANY(:ids::text[]) RETURNING id, state";

/**
 * `queries/job-log-insert.sql`: Appends log lines of one job.
 * Params: :job_id, :attempt, :ats (bigint[]), :levels, :messages (text[]).
 */
export const JOB_LOG_INSERT = "INSERT INTO spool.job_logs (job_id, attempt, at, level, message)\nSELECT :job_id::text, :attempt::bigint, b.at, b.level, b.message\nFROM unnest(:ats::bigint[], :levels::text[], :messages::text[]) WITH ORDINALITY AS b(at, level, message, n)\nORDER BY b.n";

/**
 * `queries/job-logs-delete.sql`: Removes the log lines of one job.
 * Params: :job_id.
 */
export const JOB_LOGS_DELETE = "DELETE FROM spool.job_logs WHERE job_id = :job_id::text";

/**
 * `queries/job-logs-trim.sql`: Keeps only the newest :keep log lines of one job.
 * Params: :job_id, :keep.
 */
export const JOB_LOGS_TRIM = "DELETE FROM spool.job_logs\nWHERE job_id = :job_id::text AND seq <= (\n  SELECT seq FROM spool.job_logs WHERE job_id = :job_id::text ORDER BY seq DESC OFFSET :keep::bigint LIMIT 1\n)";

/**
 * `queries/job-logs.sql`: The newest :limit log lines of one job, newest first.
 * Params: :job_id, :limit.
 * Returns: at, level, message, attempt.
 */
export const JOB_LOGS = "SELECT at, level, message, attempt FROM spool.job_logs WHERE job_id = :job_id::text ORDER BY seq DESC LIMIT :limit::bigint";

/**
 * `queries/job-next-run-at.sql`: The earliest run_at among the scheduled jobs of the given queues.
 * Params: :queues (text[]).
 * Returns: run_at (NULL when none).
 */
export const JOB_NEXT_RUN_AT = "SELECT min(run_at) AS run_at FROM spool.jobs WHERE state = 'scheduled' AND queue = ANY(:queues::text[])";

/**
 * `queries/job-progress.sql`: Stores the progress of a running job fenced by :token.
 * Params: :id, :token, :progress (JSON object), :now.
 * Returns: queue (no row: refused).
 */
export const JOB_PROGRESS = "UPDATE spool.jobs SET progress = :progress::jsonb, updated_at = :now::bigint\nWHERE id = :id::text AND state = 'running' AND lease_token = :token::text\nRETURNING queue";

/**
 * `queries/job-promote-due.sql`: Moves the scheduled jobs of one queue whose run_at has come to queued (claim does this first).
 * Rows another claim is promoting are skipped, not waited for.
 * Params: :queue, :now.
 */
export const JOB_PROMOTE_DUE = "UPDATE spool.jobs SET state = 'queued'\nWHERE id IN (\n  SELECT id FROM spool.jobs\n  WHERE state = 'scheduled' AND queue = :queue::text AND run_at <= :now::bigint\n  FOR UPDATE SKIP LOCKED\n)";

/**
 * `queries/job-promote.sql`: Runs scheduled (delayed) jobs now: queued, due at :now.
 * Params: :ids (text[]), :now.
 * Returns: id, queue (missing ids were refused: not scheduled).
 */
export const JOB_PROMOTE = "UPDATE spool.jobs SET\n  state = 'queued',\n  run_at = :now::bigint,\n  updated_at = :now::bigint\nWHERE id = ANY(:ids::text[]) AND state = 'scheduled'\nRETURNING id, queue";

/**
 * `queries/job-release-many.sql`: Gives running jobs fenced by their tokens back to queued without counting the attempt.
 * Params: :ids, :tokens (text[]), :now.
 * Returns: id, queue (missing ids were refused).
 */
export const JOB_RELEASE_MANY = "UPDATE spool.jobs AS j SET\n  state = 'queued',\n  attempt = greatest(0, j.attempt - 1),\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now::bigint\nFROM unnest(:ids::text[], :tokens::text[]) AS b(id, token)\nWHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token\nRETURNING j.id, j.queue";

/**
 * `queries/job-retry.sql`: Runs failed or cancelled jobs again: queued now, attempt count starting over.
 * Params: :ids (text[]), :now.
 * Returns: id, queue (missing ids were refused).
 */
export const JOB_RETRY = "UPDATE spool.jobs SET\n  state = 'queued',\n  attempt = 0,\n  run_at = :now::bigint,\n  finished_at = NULL,\n  pending_dependencies = 0,\n  updated_at = :now::bigint\nWHERE id = ANY(:ids::text[]) AND state IN ('failed', 'cancelled')\nRETURNING id, queue";

/**
 * `queries/job-search.sql`: One page of jobs, oldest first, with :search (lower-case) in one of their fields: id, key,
 * input, result or an error message (src/backend/search.ts). A scan in id order until the page
 * is full (no text index yet). Other params as job-list.sql.
 * Returns: every column.
 */
export const JOB_SEARCH_ASC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id > :after::text)\n  AND (\n    strpos(lower(j.id), :search::text) > 0\n    OR strpos(lower(coalesce(j.key, '')), :search::text) > 0\n    OR strpos(lower(j.input), :search::text) > 0\n    OR strpos(lower(coalesce(j.result, '')), :search::text) > 0\n    OR EXISTS (\n      SELECT 1 FROM jsonb_array_elements(j.errors) AS e\n      WHERE strpos(lower(coalesce(e ->> 'message', '')), :search::text) > 0\n    )\n  )\nORDER BY j.id ASC\nLIMIT :limit::bigint";

/**
 * `queries/job-search.sql`: One page of jobs, newest first, with :search (lower-case) in one of their fields: id, key,
 * input, result or an error message (src/backend/search.ts). A scan in id order until the page
 * is full (no text index yet). Other params as job-list.sql.
 * Returns: every column.
 */
export const JOB_SEARCH_DESC = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at, j.flow_key\nFROM spool.jobs AS j\nWHERE (:queue::text IS NULL OR j.queue = :queue::text)\n  AND (:states::text[] IS NULL OR j.state = ANY(:states::text[]))\n  AND (:task::text IS NULL OR j.task = :task::text)\n  AND (:key::text IS NULL OR j.key = :key::text)\n  AND (:created_after::bigint IS NULL OR j.created_at >= :created_after::bigint)\n  AND (:created_before::bigint IS NULL OR j.created_at < :created_before::bigint)\n  AND (:after::text IS NULL OR j.id < :after::text)\n  AND (\n    strpos(lower(j.id), :search::text) > 0\n    OR strpos(lower(coalesce(j.key, '')), :search::text) > 0\n    OR strpos(lower(j.input), :search::text) > 0\n    OR strpos(lower(coalesce(j.result, '')), :search::text) > 0\n    OR EXISTS (\n      SELECT 1 FROM jsonb_array_elements(j.errors) AS e\n      WHERE strpos(lower(coalesce(e ->> 'message', '')), :search::text) > 0\n    )\n  )\nORDER BY j.id DESC\nLIMIT :limit::bigint";

/**
 * `queries/job-spawn-settle.sql`: A child of the spawn waiter :id ended failed or cancelled: under 'fail' the waiter is released
 * at once (its resume fails it), under 'continue' the child counts like a completion.
 * Params: :id, :now.
 * Returns: queue, state (no row: not a waiting spawn waiter).
 */
export const JOB_SPAWN_SETTLE = "UPDATE spool.jobs SET\n  pending_dependencies = CASE WHEN spawn_policy = 'fail' THEN 0 ELSE greatest(0, pending_dependencies - 1) END,\n  state = CASE\n    WHEN spawn_policy = 'fail' OR pending_dependencies <= 1 THEN CASE WHEN run_at > :now::bigint THEN 'scheduled' ELSE 'queued' END\n    ELSE state\n  END,\n  run_at = CASE WHEN (spawn_policy = 'fail' OR pending_dependencies <= 1) AND run_at < :now::bigint THEN :now::bigint ELSE run_at END,\n  updated_at = :now::bigint\nWHERE id = :id::text AND state = 'waiting' AND spawn_policy IS NOT NULL\nRETURNING queue, state";

/**
 * `queries/job-spawn-wait.sql`: The parent of a spawn, fenced by :token, waits on its children: lease released, attempt given
 * back (like a release), its depends_on extended by the children, its meta replaced.
 * Params: :id, :token, :now, :children (text[]), :policy, :meta.
 * Returns: queue, workflow_id (no row: refused, nothing written).
 */
export const JOB_SPAWN_WAIT = "UPDATE spool.jobs SET\n  state = 'waiting',\n  attempt = greatest(0, attempt - 1),\n  depends_on = depends_on || :children::text[],\n  pending_dependencies = cardinality(:children::text[]),\n  spawn_policy = :policy::text,\n  meta = :meta::text,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now::bigint\nWHERE id = :id::text AND state = 'running' AND lease_token = :token::text\nRETURNING queue, workflow_id";

/**
 * `queries/job-states.sql`: The state of each existing job among :ids.
 * Params: :ids (text[]).
 * Returns: id, state.
 */
export const JOB_STATES = "SELECT id, state FROM spool.jobs WHERE id = ANY(:ids::text[])";

/**
 * `queries/job-update.sql`: Edits jobs that have not started: new priority and/or input (NULL keeps the current one).
 * Params: :ids (text[]), :priority, :input, :now.
 * Returns: id, queue, state (missing ids were refused: started, finished or gone).
 */
export const JOB_UPDATE = "UPDATE spool.jobs SET\n  priority = coalesce(:priority::integer, priority),\n  input = coalesce(:input::text, input),\n  updated_at = :now::bigint\nWHERE id = ANY(:ids::text[]) AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING id, queue, state";

/**
 * `queries/lease-renew-many.sql`: Extends the leases of running jobs fenced by their tokens.
 * Params: :ids, :tokens (text[]), :now, :lease_ms (default for jobs without their own).
 * Returns: id, lease_expires_at (missing ids were lost).
 */
export const LEASE_RENEW_MANY = "UPDATE spool.jobs AS j SET lease_expires_at = :now::bigint + coalesce(j.lease_ms, :lease_ms::bigint)\nFROM unnest(:ids::text[], :tokens::text[]) AS b(id, token)\nWHERE j.id = b.id AND j.state = 'running' AND j.lease_token = b.token\nRETURNING j.id, j.lease_expires_at";

/**
 * `queries/lease-rescue.sql`: Recovers up to :limit running jobs whose lease expired: the lost attempt is recorded as a
 * LeaseExpiredError; the job goes back to queued, or ends failed when no attempts are left.
 * Rows locked by a concurrent transition are skipped.
 * Params: :now, :limit, :message.
 * Returns: id, queue, state, attempt, has_dependents, error (the error record).
 */
export const LEASE_RESCUE = "UPDATE spool.jobs AS j SET\n  errors = j.errors || jsonb_build_array(jsonb_build_object(\n    'attempt', j.attempt, 'name', 'LeaseExpiredError', 'code', 'LEASE_EXPIRED', 'message', :message::text,\n    'at', :now::bigint\n  )),\n  state = CASE WHEN j.attempt < j.max_attempts THEN 'queued' ELSE 'failed' END,\n  finished_at = CASE WHEN j.attempt < j.max_attempts THEN j.finished_at ELSE :now::bigint END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now::bigint\nFROM (\n  SELECT id FROM spool.jobs\n  WHERE state = 'running' AND lease_expires_at <= :now::bigint\n  ORDER BY lease_expires_at\n  LIMIT :limit::bigint\n  FOR UPDATE SKIP LOCKED\n) AS r\nWHERE j.id = r.id\nRETURNING j.id, j.queue, j.state, j.attempt, j.has_dependents, j.errors -> -1 AS error";

/**
 * `queries/migrations-applied.sql`: Every applied migration version.
 * Params: none.
 * Returns: version.
 */
export const MIGRATIONS_APPLIED = "SELECT version FROM spool.migrations";

/**
 * `queries/migrations-create.sql`: Creates the migration ledger (the runner holds the migration advisory lock).
 * Params: none.
 */
export const MIGRATIONS_CREATE = "CREATE TABLE IF NOT EXISTS spool.migrations (\n  version    bigint NOT NULL PRIMARY KEY,\n  name       text   NOT NULL,\n  applied_at bigint NOT NULL\n)";

/**
 * `queries/migrations-insert.sql`: Records one applied migration.
 * Params: :version, :name, :applied_at.
 */
export const MIGRATIONS_INSERT = "INSERT INTO spool.migrations (version, name, applied_at) VALUES (:version::bigint, :name::text, :applied_at::bigint)";

/**
 * `queries/move-children.sql`: The dependency edges leaving a move batch's jobs (jobMoveTake checks no child is left behind).
 * Params: :ids (text[]).
 * Returns: parent_id, child_id.
 */
export const MOVE_CHILDREN = "SELECT parent_id, child_id FROM spool.job_deps WHERE parent_id = ANY(:ids::text[])";

/**
 * `queries/move-dedupe-import.sql`: Writes moved-in dedupe entries (jobImport): a key's entry is written when this store has none,
 * or only one naming a job it does not hold (such an entry matches nothing here).
 * Params: :tasks, :keys, :job_ids (text[]), :first_ats (bigint[]); one (task, key) at most once.
 */
export const MOVE_DEDUPE_IMPORT = "INSERT INTO spool.dedupe AS d (task, key, job_id, first_at)\nSELECT * FROM unnest(:tasks::text[], :keys::text[], :job_ids::text[], :first_ats::bigint[])\nON CONFLICT (task, key) DO UPDATE SET job_id = EXCLUDED.job_id, first_at = EXCLUDED.first_at\nWHERE NOT EXISTS (SELECT 1 FROM spool.jobs AS j WHERE j.id = d.job_id)";

/**
 * `queries/move-delete.sql`: Deletes one moved-out job (jobMoveDelete): one the mover holds (running under :token) or a
 * finished one it copied. Anything else (claimed by a worker, put back) stays. Its follow-up
 * templates and its dedupe row go with it (as in job-delete.sql).
 * Params: :id, :token.
 * Returns: queue, state, has_dependents, has_dependencies (no row: skipped).
 */
export const MOVE_DELETE = "WITH j AS (\n  DELETE FROM spool.jobs\n  WHERE id = :id::text\n    AND ((state = 'running' AND lease_token = :token::text) OR state IN ('completed', 'failed', 'cancelled'))\n  RETURNING id, queue, state, has_dependents, cardinality(depends_on) > 0 AS has_dependencies\n),\nf AS (DELETE FROM spool.follow_ups WHERE parent_id IN (SELECT id FROM j WHERE has_dependents)),\nd AS (DELETE FROM spool.dedupe WHERE job_id IN (SELECT id FROM j))\nSELECT queue, state, has_dependents, has_dependencies FROM j";

/**
 * `queries/move-insert.sql`: Inserts one moved-in job with every column as the source stored it (jobImport, seam/move.ts),
 * unless its id or its idempotency key is taken (no row back then). A not-started job's state
 * and pending count are set afterwards by move-place.sql, once the whole batch is in.
 * Params: every column of spool.jobs but has_dependents and lease_token (move-shared.ts moveInsertColumns).
 * Returns: id.
 */
export const MOVE_INSERT = "INSERT INTO spool.jobs (\n  id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors, progress,\n  key, meta, depends_on, pending_dependencies, lease_ms, timeout_ms, worker_id, lease_expires_at,\n  created_at, started_at, finished_at, updated_at, workflow_id, spawn_policy, flow_key, flow\n) VALUES (\n  :id::text, :task::text, :queue::text, :state::text, :priority::bigint, :run_at::bigint, :attempt::bigint,\n  :max_attempts::bigint, :input::text, :result::text, :errors::jsonb, :progress::jsonb, :key::text, :meta::text,\n  :depends_on::text[], :pending_dependencies::bigint, :lease_ms::bigint, :timeout_ms::bigint, :worker_id::text,\n  :lease_expires_at::bigint, :created_at::bigint, :started_at::bigint, :finished_at::bigint, :updated_at::bigint,\n  :workflow_id::text, :spawn_policy::text, :flow_key::text, :flow::text\n)\nON CONFLICT DO NOTHING\nRETURNING id";

/**
 * `queries/move-lock.sql`: Locks a move batch's jobs (jobMoveTake), in id order so two takers never deadlock.
 * Params: :ids (text[]).
 * Returns: every column.
 */
export const MOVE_LOCK = "SELECT j.id, j.task, j.queue, j.state, j.priority, j.run_at, j.attempt, j.max_attempts, j.input, j.result,\n  j.errors, j.progress, j.key, j.meta, j.depends_on, j.pending_dependencies, j.has_dependents, j.lease_ms,\n  j.timeout_ms, j.worker_id, j.lease_token, j.lease_expires_at, j.created_at, j.started_at, j.finished_at,\n  j.updated_at\nFROM spool.jobs AS j WHERE j.id = ANY(:ids::text[])\nORDER BY j.id\nFOR UPDATE";

/**
 * `queries/move-place.sql`: Sets a moved-in not-started job's state from its parents in this store (jobImport).
 * Params: :id, :state, :pending, :now (finished_at when the state is 'cancelled').
 */
export const MOVE_PLACE = "UPDATE spool.jobs\nSET state = :state::text, pending_dependencies = :pending::bigint,\n  finished_at = CASE WHEN :state::text = 'cancelled' THEN :now::bigint END\nWHERE id = :id::text";

/**
 * `queries/move-read-dedupe.sql`: The dedupe entries naming jobs of a move batch (jobMoveRead). No index on job_id: a batch
 * reads the table once, which a move pays per batch and nothing else does.
 * Params: :ids (text[]).
 * Returns: task, key, job_id, first_at.
 */
export const MOVE_READ_DEDUPE = "SELECT task, key, job_id, first_at FROM spool.dedupe WHERE job_id = ANY(:ids::text[])";

/**
 * `queries/move-read-follow-ups.sql`: The follow-up templates of a move batch's jobs (jobMoveRead), by the table's primary key.
 * Params: :ids (text[]).
 * Returns: parent_id, outcome, job (FollowUpJob JSON).
 */
export const MOVE_READ_FOLLOW_UPS = "SELECT parent_id, outcome, job FROM spool.follow_ups WHERE parent_id = ANY(:ids::text[])";

/**
 * `queries/move-read.sql`: The jobs of a held move batch with what the record does not show (jobMoveRead, seam/move.ts):
 * a spawn waiter's policy and the job's limits.
 * Params: :ids (text[]).
 * Returns: every column of spool.jobs.
 */
export const MOVE_READ = "SELECT * FROM spool.jobs WHERE id = ANY(:ids::text[]) ORDER BY id";

/**
 * `queries/move-take.sql`: Takes locked not-started jobs out of circulation for `spool move` (seam/move.ts): `running`
 * under the mover's worker id and token with a lease that never expires, so no claim, rescue,
 * dependency release or workflow rule touches them. Other columns stay as they were.
 * Params: :ids (text[]), :worker_id, :token, :until, :now.
 */
export const MOVE_TAKE = "UPDATE spool.jobs\nSET state = 'running', worker_id = :worker_id::text, lease_token = :token::text,\n  lease_expires_at = :until::bigint, updated_at = :now::bigint\nWHERE id = ANY(:ids::text[]) AND state IN ('waiting', 'scheduled', 'queued')";

/**
 * `queries/notify-send-stored.sql`: As notify-send.sql for a batch too large for a NOTIFY payload: stores it in spool.events and
 * notifies `:origin|@seq`.
 * Params: :channel, :origin, :at, :events (encoded batch).
 */
export const NOTIFY_SEND_STORED = "WITH s AS (\n  INSERT INTO spool.events (at, events) VALUES (:at::bigint, :events::text) RETURNING seq\n)\nSELECT set_config('synchronous_commit', 'off', true) AS relaxed,\n  pg_notify(:channel::text, :origin::text || '|@' || s.seq::text) AS sent, s.seq\nFROM s";

/**
 * `queries/notify-send.sql`: Sends one change-feed notification (notifier.ts), after the commits it reports. Nothing here
 * needs to be durable (a notification is a nudge), so this transaction does not wait for a
 * WAL flush, and holds PostgreSQL's notify-queue lock only for an instant.
 * Params: :channel, :payload.
 */
export const NOTIFY_SEND = "SELECT set_config('synchronous_commit', 'off', true) AS relaxed, pg_notify(:channel::text, :payload::text) AS sent";

/**
 * `queries/queue-counts.sql`: Jobs per queue and state: the sums of the deltas the triggers of migrations 0063 and 0091
 * append on every insert, state change and delete, folded by heartbeats and retention
 * (state-counts-fold.sql), so the answer grows neither with the jobs retained nor with a backlog.
 * Params: none.
 * Returns: queue, state, n.
 */
export const QUEUE_COUNTS = "SELECT queue, state, sum(n)::integer AS n FROM spool.state_counts GROUP BY queue, state HAVING sum(n) > 0";

/**
 * `queries/queue-hold-get.sql`: Until when a queue is held (no row, or a past instant: not held).
 * Params: :queue.
 * Returns: until.
 */
export const QUEUE_HOLD_GET = "SELECT until FROM spool.queue_holds WHERE name = :queue::text";

/**
 * `queries/queue-hold-put.sql`: Holds a queue until :until, or longer if it already is.
 * Params: :queue, :until.
 */
export const QUEUE_HOLD_PUT = "INSERT INTO spool.queue_holds AS h (name, until) VALUES (:queue::text, :until::bigint)\nON CONFLICT (name) DO UPDATE SET until = greatest(h.until, excluded.until)";

/**
 * `queries/queue-limits-delete.sql`: Removes a queue's limits row (both limits removed).
 * Params: :queue.
 */
export const QUEUE_LIMITS_DELETE = "DELETE FROM spool.queue_limits WHERE name = :queue::text";

/**
 * `queries/queue-limits-list.sql`: Every queue with limits.
 * Params: none.
 * Returns: name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
 */
export const QUEUE_LIMITS_LIST = "SELECT name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat FROM spool.queue_limits";

/**
 * `queries/queue-limits-lock.sql`: One queue's limits and rate-limit state, locked until the claim's transaction ends, with the
 * number of its jobs running now (read after the lock, so it includes every earlier claim).
 * No row: the queue has no limits (and nothing is locked).
 * Params: :queue.
 * Returns: concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
 */
export const QUEUE_LIMITS_LOCK = "SELECT concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat\nFROM spool.queue_limits WHERE name = :queue::text\nFOR UPDATE";

/**
 * `queries/queue-limits-put.sql`: Writes a queue's whole limits row (the caller merged the change into the old one, read locked).
 * Params: :queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now.
 */
export const QUEUE_LIMITS_PUT = "INSERT INTO spool.queue_limits (name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat, updated_at)\nVALUES (:queue::text, :concurrency::integer, :rate_limit::integer, :rate_per_ms::bigint, :rate_burst::integer,\n  :rate_tat::double precision, :now::bigint)\nON CONFLICT (name) DO UPDATE SET\n  concurrency = excluded.concurrency,\n  rate_limit = excluded.rate_limit,\n  rate_per_ms = excluded.rate_per_ms,\n  rate_burst = excluded.rate_burst,\n  rate_tat = excluded.rate_tat,\n  updated_at = excluded.updated_at";

/**
 * `queries/queue-limits-tat.sql`: Stores the rate limit's new GCRA state after a claim started jobs of the queue (row locked).
 * Params: :queue, :tat.
 */
export const QUEUE_LIMITS_TAT = "UPDATE spool.queue_limits SET rate_tat = :tat::double precision WHERE name = :queue::text";

/**
 * `queries/queue-oldest-queued.sql`: created_at of the oldest queued job per queue, found as Redis finds it (queue-list.lua): the
 * smallest created_at among the first :depth jobs of each priority in claim order, read from
 * jobs_ready (queue, priority DESC, run_at, id). Exact while a priority holds no more queued
 * jobs than :depth; beyond that, the oldest job near the head of the line (a job created long
 * ago but due only now sorts by its run_at). `min(created_at)` over every queued job read the
 * whole backlog and its heap pages: 92 ms at 50,000 queued, growing with it. The priorities of a
 * queue are found by a loose index scan (one probe per priority present), so the cost is
 * queues × priorities × :depth index entries, whatever the backlog.
 * Params: :queues (the queues that have queued jobs), :depth.
 * Returns: queue, oldest.
 */
export const QUEUE_OLDEST_QUEUED = "WITH RECURSIVE prios AS (\n  SELECT q.queue,\n    (SELECT max(j.priority) FROM spool.jobs AS j WHERE j.state = 'queued' AND j.queue = q.queue) AS priority\n  FROM unnest(:queues::text[]) AS q(queue)\n  UNION ALL\n  SELECT p.queue,\n    (SELECT max(j.priority) FROM spool.jobs AS j\n     WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority < p.priority)\n  FROM prios AS p\n  WHERE p.priority IS NOT NULL\n)\nSELECT p.queue, min(h.created_at) AS oldest\nFROM prios AS p\nCROSS JOIN LATERAL (\n  SELECT j.created_at FROM spool.jobs AS j\n  WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority = p.priority\n  ORDER BY j.run_at, j.id\n  LIMIT :depth::bigint\n) AS h\nWHERE p.priority IS NOT NULL\nGROUP BY p.queue";

/**
 * `queries/queue-pause.sql`: Pauses a queue (claims skip it).
 * Params: :queue, :now.
 */
export const QUEUE_PAUSE = "INSERT INTO spool.queues (name, paused, updated_at) VALUES (:queue::text, true, :now::bigint)\nON CONFLICT (name) DO UPDATE SET paused = true, updated_at = excluded.updated_at";

/**
 * `queries/queue-paused-list.sql`: Every paused queue.
 * Params: none.
 * Returns: name.
 */
export const QUEUE_PAUSED_LIST = "SELECT name FROM spool.queues WHERE paused";

/**
 * `queries/queue-paused.sql`: Whether a queue is paused (no row: not paused).
 * Params: :queue.
 * Returns: paused.
 */
export const QUEUE_PAUSED = "SELECT paused FROM spool.queues WHERE name = :queue::text";

/**
 * `queries/queue-resume.sql`: Resumes a queue. The row goes: a queue is listed while it has jobs or is paused.
 * Params: :queue.
 */
export const QUEUE_RESUME = "DELETE FROM spool.queues WHERE name = :queue::text";

/**
 * `queries/queue-running.sql`: Jobs of one queue running now (leased, prefetched ones included), for its concurrency cap.
 * Params: :queue.
 * Returns: n.
 */
export const QUEUE_RUNNING = "SELECT count(*)::integer AS n FROM spool.jobs WHERE state = 'running' AND queue = :queue::text";

/**
 * `queries/queues-ready.sql`: The queues that hold queued jobs (the change feed's catch-up after a re-LISTEN).
 * Params: none.
 * Returns: queue.
 */
export const QUEUES_READY = "SELECT queue FROM spool.jobs WHERE state = 'queued' GROUP BY queue";

/**
 * `queries/retention-before.sql`: Finished jobs of one state that finished before :before, oldest first (retention by age).
 * Jobs of a workflow that is still running are kept (their results feed its later jobs).
 * Params: :state, :before, :limit.
 * Returns: id.
 */
export const RETENTION_BEFORE = "SELECT id FROM spool.jobs AS j\nWHERE state = :state::text AND finished_at IS NOT NULL AND finished_at < :before::bigint\n  AND (j.workflow_id IS NULL\n    OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))\nORDER BY finished_at, id\nLIMIT :limit::bigint";

/**
 * `queries/retention-beyond-keep.sql`: Finished jobs of one state beyond the newest :keep, oldest first (retention by count): the
 * oldest (count - :keep) of them. Jobs of a running workflow are neither counted nor removed.
 * Params: :state, :keep, :limit.
 * Returns: id.
 */
export const RETENTION_BEYOND_KEEP = "SELECT id FROM spool.jobs AS j\nWHERE state = :state::text AND finished_at IS NOT NULL\n  AND (j.workflow_id IS NULL\n    OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))\nORDER BY finished_at, id\nLIMIT greatest(0, least(:limit::bigint, (\n  SELECT count(*) FROM spool.jobs AS k\n  WHERE k.state = :state::text AND k.finished_at IS NOT NULL\n    AND (k.workflow_id IS NULL\n      OR NOT EXISTS (SELECT 1 FROM spool.workflows AS w WHERE w.id = k.workflow_id AND w.state = 'running'))\n) - :keep::bigint))";

/**
 * `queries/schedule-delete.sql`: Removes a schedule (its fired jobs stay).
 * Params: :name.
 * Returns: name (no row: none).
 */
export const SCHEDULE_DELETE = "DELETE FROM spool.schedules WHERE name = :name::text RETURNING name";

/**
 * `queries/schedule-fire-job.sql`: A won fire's job (inserted, or the one its idempotency key matched), recorded after the
 * compare-and-set (schedule-fire.sql, run with a null :job_id) and the insert: runs grows by
 * one and last_fire_at / last_job_id record the fire. Not run when the strategy at the cap
 * dropped the job: that fire counts as skipped.
 * Params: :name, :fire_at, :job_id, :now.
 * Returns: every schedules column, after the update.
 */
export const SCHEDULE_FIRE_JOB = "UPDATE spool.schedules SET\n  last_fire_at = :fire_at::bigint,\n  last_job_id = :job_id::text,\n  runs = runs + 1,\n  updated_at = :now::bigint\nWHERE name = :name::text\nRETURNING name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at";

/**
 * `queries/schedule-fire.sql`: The compare-and-set of one fire: moves next_fire_at on only if it still holds the fire time
 * the caller saw and the schedule is not paused. With a job (:job_id not null) runs grows by one
 * and last_fire_at / last_job_id record the fire. A concurrent fire of the same time waits for
 * this row lock, then finds next_fire_at moved on. No row returned: another caller fired first.
 * Params: :name, :expected_fire_at, :next_fire_at, :job_id (null: a skipped fire), :now.
 * Returns: every schedules column, after the update.
 */
export const SCHEDULE_FIRE = "UPDATE spool.schedules SET\n  next_fire_at = :next_fire_at::bigint,\n  last_fire_at = CASE WHEN :job_id::text IS NULL THEN last_fire_at ELSE :expected_fire_at::bigint END,\n  last_job_id = coalesce(:job_id::text, last_job_id),\n  runs = runs + CASE WHEN :job_id::text IS NULL THEN 0 ELSE 1 END,\n  updated_at = :now::bigint\nWHERE name = :name::text AND next_fire_at = :expected_fire_at::bigint AND NOT paused\nRETURNING name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at";

/**
 * `queries/schedule-get.sql`: One schedule by name.
 * Params: :name.
 * Returns: every schedules column.
 */
export const SCHEDULE_GET = "SELECT name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at FROM spool.schedules WHERE name = :name::text";

/**
 * `queries/schedule-import.sql`: Inserts a moved-in schedule with every field as the source stored it, unless the name exists.
 * Params: every column of spool.schedules.
 * Returns: name (no row: the name was taken).
 */
export const SCHEDULE_IMPORT = "INSERT INTO spool.schedules (\n  name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at\n) VALUES (\n  :name::text, :spec::text, :trigger_key::text, :anchor_at::bigint, :next_fire_at::bigint, :last_fire_at::bigint,\n  :last_job_id::text, :runs::bigint, :paused::boolean, :created_at::bigint, :updated_at::bigint\n)\nON CONFLICT (name) DO NOTHING\nRETURNING name";

/**
 * `queries/schedule-insert.sql`: Creates a schedule unless the name exists (no row back then: another process created it).
 * Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused, :now.
 * Returns: name.
 */
export const SCHEDULE_INSERT = "INSERT INTO spool.schedules (name, spec, trigger_key, anchor_at, next_fire_at, paused, created_at, updated_at)\nVALUES (:name::text, :spec::text, :trigger_key::text, :anchor_at::bigint, :next_fire_at::bigint, :paused::boolean,\n  :now::bigint, :now::bigint)\nON CONFLICT (name) DO NOTHING\nRETURNING name";

/**
 * `queries/schedule-list.sql`: Every schedule, by name.
 * Params: none.
 * Returns: every schedules column.
 */
export const SCHEDULE_LIST = "SELECT name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at FROM spool.schedules ORDER BY name";

/**
 * `queries/schedule-lock.sql`: One schedule by name, locked until the transaction ends (upserts of one name serialize).
 * Params: :name.
 * Returns: every schedules column.
 */
export const SCHEDULE_LOCK = "SELECT name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at FROM spool.schedules WHERE name = :name::text FOR UPDATE";

/**
 * `queries/schedule-pause.sql`: Pauses a schedule. Idempotent.
 * Params: :name, :now.
 * Returns: name (no row: none).
 */
export const SCHEDULE_PAUSE = "UPDATE spool.schedules SET paused = true, updated_at = :now::bigint WHERE name = :name::text RETURNING name";

/**
 * `queries/schedule-resume.sql`: Resumes a schedule; a paused one gets the next fire time computed from now (time spent
 * paused is not a misfire). Resuming an active schedule changes nothing else.
 * Params: :name, :next_fire_at, :now.
 * Returns: name (no row: none).
 */
export const SCHEDULE_RESUME = "UPDATE spool.schedules SET\n  next_fire_at = CASE WHEN paused THEN :next_fire_at::bigint ELSE next_fire_at END,\n  paused = false,\n  updated_at = :now::bigint\nWHERE name = :name::text\nRETURNING name";

/**
 * `queries/schedule-run-insert.sql`: Records one fire of a schedule (inside the fire's transaction, which holds the schedule's row
 * lock), numbered after its last one.
 * Params: :name, :at, :fire_at (NULL: a manual run), :job_id (NULL: skipped), :skipped.
 */
export const SCHEDULE_RUN_INSERT = "INSERT INTO spool.schedule_runs (name, seq, at, fire_at, job_id, skipped)\nSELECT :name::text, coalesce(max(seq), 0) + 1, :at::bigint, :fire_at::bigint, :job_id::text, :skipped::text\nFROM spool.schedule_runs WHERE name = :name::text";

/**
 * `queries/schedule-run-list.sql`: A schedule's recent fires, newest first (the primary key walked backwards).
 * Params: :name, :limit.
 * Returns: at, fire_at, job_id, skipped.
 */
export const SCHEDULE_RUN_LIST = "SELECT at, fire_at, job_id, skipped FROM spool.schedule_runs\nWHERE name = :name::text ORDER BY seq DESC LIMIT :limit::integer";

/**
 * `queries/schedule-run-now.sql`: A manual run ("run now"): records its job as the schedule's last one; fire times stay.
 * Params: :name, :job_id, :now.
 * Returns: every schedules column, after the update.
 */
export const SCHEDULE_RUN_NOW = "UPDATE spool.schedules SET last_job_id = :job_id::text, updated_at = :now::bigint WHERE name = :name::text\nRETURNING name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at";

/**
 * `queries/schedule-run-prune.sql`: Drops a schedule's runs beyond its newest :keep (right after one was added).
 * Params: :name, :keep.
 */
export const SCHEDULE_RUN_PRUNE = "DELETE FROM spool.schedule_runs\nWHERE name = :name::text\n  AND seq <= (SELECT max(seq) FROM spool.schedule_runs WHERE name = :name::text) - :keep::bigint";

/**
 * `queries/schedule-update.sql`: Redefines a schedule. With the same trigger (:retrigger false) its anchor, next fire time, runs
 * and pause state stay; with a new trigger the anchor and next fire time reset.
 * Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :retrigger, :now.
 */
export const SCHEDULE_UPDATE = "UPDATE spool.schedules SET\n  spec = :spec::text,\n  trigger_key = :trigger_key::text,\n  anchor_at = CASE WHEN :retrigger::boolean THEN :anchor_at::bigint ELSE anchor_at END,\n  next_fire_at = CASE WHEN :retrigger::boolean THEN :next_fire_at::bigint ELSE next_fire_at END,\n  updated_at = :now::bigint\nWHERE name = :name::text";

/**
 * `queries/session-prune.sql`: Drops revocations of sessions that have expired anyway.
 * Params: :now.
 */
export const SESSION_PRUNE = "DELETE FROM spool.revoked_sessions WHERE expires_at <= :now::bigint";

/**
 * `queries/session-revoke.sql`: Marks a session as logged out until it would have expired (keeps the later expiry).
 * Params: :id, :expires_at.
 */
export const SESSION_REVOKE = "INSERT INTO spool.revoked_sessions (id, expires_at) VALUES (:id::text, :expires_at::bigint)\nON CONFLICT (id) DO UPDATE SET expires_at = greatest(spool.revoked_sessions.expires_at, excluded.expires_at)";

/**
 * `queries/session-revoked.sql`: Whether a session is logged out (and not yet past its own expiry).
 * Params: :id, :now.
 * Returns: one row when revoked.
 */
export const SESSION_REVOKED = "SELECT 1 AS revoked FROM spool.revoked_sessions WHERE id = :id::text AND expires_at > :now::bigint";

/**
 * `queries/state-counts-fold.sql`: Folds the per-queue state-count deltas (migrations 0063, 0091) into one row per queue and
 * state, so queueList sums a few rows. Rows appended while this runs are not in its snapshot and
 * stay; two folds at once cannot count a row twice (the second waits on the first's deletes,
 * then skips the rows they removed).
 * Params: none.
 */
export const STATE_COUNTS_FOLD = "WITH gone AS (DELETE FROM spool.state_counts RETURNING queue, state, n)\nINSERT INTO spool.state_counts (queue, state, n)\n  SELECT queue, state, sum(n) FROM gone GROUP BY queue, state HAVING sum(n) <> 0";

/**
 * `queries/tx-relaxed-commit.sql`: This transaction commits without waiting for its WAL flush (claims: job-claim-fast.sql).
 */
export const TX_RELAXED_COMMIT = "SELECT set_config('synchronous_commit', 'off', true)";

/**
 * `queries/worker-delete-expired.sql`: Forgets workers whose heartbeat ttl passed.
 * Params: :now.
 */
export const WORKER_DELETE_EXPIRED = "DELETE FROM spool.workers WHERE expires_at < :now::bigint";

/**
 * `queries/worker-delete.sql`: Forgets one worker.
 * Params: :id.
 */
export const WORKER_DELETE = "DELETE FROM spool.workers WHERE id = :id::text";

/**
 * `queries/worker-list.sql`: Workers seen within their ttl.
 * Params: :now.
 * Returns: id, host, pid, queues, concurrency, running, started_at, last_seen_at.
 */
export const WORKER_LIST = "SELECT id, host, pid, queues, concurrency, running, started_at, last_seen_at\nFROM spool.workers WHERE expires_at >= :now::bigint";

/**
 * `queries/worker-upsert.sql`: Records a worker heartbeat.
 * Params: :id, :host, :pid, :queues (JSON), :concurrency, :running (JSON), :started_at, :now, :expires_at.
 */
export const WORKER_UPSERT = "INSERT INTO spool.workers (id, host, pid, queues, concurrency, running, started_at, last_seen_at, expires_at)\nVALUES (:id::text, :host::text, :pid::bigint, :queues::text, :concurrency::bigint, :running::text,\n  :started_at::bigint, :now::bigint, :expires_at::bigint)\nON CONFLICT (id) DO UPDATE SET\n  host = excluded.host, pid = excluded.pid, queues = excluded.queues, concurrency = excluded.concurrency,\n  running = excluded.running, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,\n  expires_at = excluded.expires_at";

/**
 * `queries/workflow-cancel-not-started.sql`: failFast: cancels every job of a workflow that has not started.
 * Params: :id (workflow), :now.
 * Returns: id, queue, has_dependents of each cancelled job.
 */
export const WORKFLOW_CANCEL_NOT_STARTED = "UPDATE spool.jobs SET\n  state = 'cancelled',\n  finished_at = :now::bigint,\n  updated_at = :now::bigint\nWHERE workflow_id = :id::text AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING id, queue, has_dependents";

/**
 * `queries/workflow-counts.sql`: Jobs of one workflow per state.
 * Params: :id.
 * Returns: state, n.
 */
export const WORKFLOW_COUNTS = "SELECT state, count(*)::integer AS n FROM spool.jobs WHERE workflow_id = :id::text GROUP BY state";

/**
 * `queries/workflow-delete.sql`: Deletes a moved-out workflow record (jobMoveDelete; its jobs have left this store).
 * Params: :ids (text[]).
 */
export const WORKFLOW_DELETE = "DELETE FROM spool.workflows WHERE id = ANY(:ids::text[])";

/**
 * `queries/workflow-get.sql`: One workflow record.
 * Params: :id.
 * Returns: every column.
 */
export const WORKFLOW_GET = "SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE id = :id::text";

/**
 * `queries/workflow-grow.sql`: Spawned children joined a running workflow: its job total grows.
 * Params: :id, :n.
 */
export const WORKFLOW_GROW = "UPDATE spool.workflows SET total = total + :n::bigint WHERE id = :id::text AND state = 'running'";

/**
 * `queries/workflow-import.sql`: Inserts a moved-in workflow record unless its id exists (jobImport).
 * Params: :id, :name, :policy, :state, :spec, :total, :counts (JSON or NULL), :created_at, :finished_at.
 */
export const WORKFLOW_IMPORT = "INSERT INTO spool.workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)\nVALUES (:id::text, :name::text, :policy::text, :state::text, :spec::text, :total::bigint, :counts::jsonb,\n  :created_at::bigint, :finished_at::bigint)\nON CONFLICT (id) DO NOTHING";

/**
 * `queries/workflow-insert.sql`: Inserts a workflow record (state 'running'). A duplicate id violates the primary key.
 * Params: :id, :name, :policy, :spec, :total, :now.
 */
export const WORKFLOW_INSERT = "INSERT INTO spool.workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)\nVALUES (:id::text, :name::text, :policy::text, 'running', :spec::text, :total::bigint, NULL, :now::bigint, NULL)";

/**
 * `queries/workflow-jobs-insert.sql`: Inserts every job of a workflow in one statement (states computed by the caller: all
 * dependencies are jobs of the same batch). A duplicate id violates the primary key.
 * Params: :now, :workflow_id, and one array per column: :ids, :tasks, :queues, :states,
 *   :priorities, :run_ats, :max_attempts, :inputs, :metas, :depends_on (JSON arrays as text),
 *   :pending (bigint[]), :lease_ms, :timeout_ms, :flow_keys, :flows (limits, NULL = none).
 */
export const WORKFLOW_JOBS_INSERT = "INSERT INTO spool.jobs (\n  id, task, queue, state, priority, run_at, max_attempts, input, meta, depends_on, pending_dependencies,\n  lease_ms, timeout_ms, created_at, updated_at, workflow_id, flow_key, flow\n)\nSELECT b.id, b.task, b.queue, b.state, b.priority, b.run_at, b.max_attempts, b.input, b.meta,\n  ARRAY(SELECT jsonb_array_elements_text(b.depends_on::jsonb)), b.pending, b.lease_ms, b.timeout_ms,\n  :now::bigint, :now::bigint, :workflow_id::text, b.flow_key, b.flow\nFROM unnest(\n  :ids::text[], :tasks::text[], :queues::text[], :states::text[], :priorities::bigint[], :run_ats::bigint[],\n  :max_attempts::bigint[], :inputs::text[], :metas::text[], :depends_on::text[], :pending::bigint[],\n  :lease_ms::bigint[], :timeout_ms::bigint[], :flow_keys::text[], :flows::text[]\n) AS b(\n  id, task, queue, state, priority, run_at, max_attempts, input, meta, depends_on, pending, lease_ms, timeout_ms,\n  flow_key, flow\n)";

/**
 * `queries/workflow-list.sql`: A page of workflows, oldest first, past the cursor id.
 * Params: :after (id or NULL), :limit.
 * Returns: every column.
 */
export const WORKFLOW_LIST_ASC = "SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE (:after::text IS NULL OR id > :after::text) ORDER BY id ASC LIMIT :limit::bigint";

/**
 * `queries/workflow-list.sql`: A page of workflows, newest first, past the cursor id.
 * Params: :after (id or NULL), :limit.
 * Returns: every column.
 */
export const WORKFLOW_LIST_DESC = "SELECT id, name, policy, state, spec, total, counts, created_at, finished_at FROM spool.workflows WHERE (:after::text IS NULL OR id < :after::text) ORDER BY id DESC LIMIT :limit::bigint";

/**
 * `queries/workflow-mark-parents.sql`: Flags the parents of a workflow batch as having dependents.
 * Params: :ids (text[]).
 */
export const WORKFLOW_MARK_PARENTS = "UPDATE spool.jobs SET has_dependents = true WHERE id = ANY(:ids::text[])";

/**
 * `queries/workflow-of-job.sql`: The running workflow a job belongs to, with its failure policy (no row: none).
 * Params: :id.
 * Returns: id, policy.
 */
export const WORKFLOW_OF_JOB = "SELECT w.id, w.policy FROM spool.jobs AS j JOIN spool.workflows AS w ON w.id = j.workflow_id\nWHERE j.id = :id::text AND w.state = 'running'";

/**
 * `queries/workflow-settle.sql`: Settles every running workflow whose jobs are all final: freezes its state, counts and
 * finish time, so retention may prune its jobs and the record still answers.
 * Params: :now.
 */
export const WORKFLOW_SETTLE = "UPDATE spool.workflows AS w SET\n  state = CASE\n    WHEN EXISTS (SELECT 1 FROM spool.jobs WHERE workflow_id = w.id AND state = 'failed') THEN 'failed'\n    WHEN EXISTS (SELECT 1 FROM spool.jobs WHERE workflow_id = w.id AND state = 'cancelled') THEN 'cancelled'\n    ELSE 'completed'\n  END,\n  counts = (\n    SELECT jsonb_build_object(\n      'waiting', 0, 'scheduled', 0, 'queued', 0, 'running', 0,\n      'completed', count(*) FILTER (WHERE state = 'completed'),\n      'failed', count(*) FILTER (WHERE state = 'failed'),\n      'cancelled', count(*) FILTER (WHERE state = 'cancelled'))\n    FROM spool.jobs WHERE workflow_id = w.id\n  ),\n  finished_at = :now::bigint\nWHERE w.state = 'running'\n  AND NOT EXISTS (\n    SELECT 1 FROM spool.jobs\n    WHERE workflow_id = w.id AND state IN ('waiting', 'scheduled', 'queued', 'running')\n  )";

export interface Migration {
  version: number;
  name: string;
  /** Several statements, run with `exec` inside the migration transaction. */
  sql: string;
}

/** Every migration, oldest first; `version` is 1-based and increasing (gaps allowed). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "init",
    sql: "-- 0001_init: the whole first schema. Every table lives in the backend's own schema, written\n-- `spool.` here and renamed by the loader when the URL names another (`?schema=`). Times are\n-- epoch milliseconds (bigint) read from the server's clock unless a test injects one; keys and\n-- names use the \"C\" collation, so ids sort byte-wise as in every other backend.\n\n-- One row per job. `lease_token` fences every transition of a running job; `has_dependents`\n-- lets completion skip job_deps for the (common) job nobody waits for.\nCREATE TABLE spool.jobs (\n  id                   text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  task                 text COLLATE \"C\" NOT NULL,\n  queue                text COLLATE \"C\" NOT NULL,\n  state                text    NOT NULL,\n  priority             bigint  NOT NULL,\n  run_at               bigint  NOT NULL,\n  attempt              bigint  NOT NULL DEFAULT 0,\n  max_attempts         bigint  NOT NULL,\n  input                text    NOT NULL,\n  result               text,\n  errors               jsonb   NOT NULL DEFAULT '[]',\n  progress             jsonb,\n  key                  text COLLATE \"C\",\n  meta                 text    NOT NULL DEFAULT '{}',\n  depends_on           text[]  NOT NULL DEFAULT '{}',\n  pending_dependencies bigint  NOT NULL DEFAULT 0,\n  has_dependents       boolean NOT NULL DEFAULT false,\n  lease_ms             bigint,\n  timeout_ms           bigint,\n  worker_id            text,\n  lease_token          text,\n  lease_expires_at     bigint,\n  created_at           bigint  NOT NULL,\n  started_at           bigint,\n  finished_at          bigint,\n  updated_at           bigint  NOT NULL,\n  workflow_id          text COLLATE \"C\"\n) WITH (fillfactor = 85);\n\n-- Partial indexes, one per active state: a transition touches only the indexes of the states it\n-- leaves and enters, and finished jobs (however many are retained) are in none of the claim's.\nCREATE INDEX jobs_ready ON spool.jobs (queue, priority DESC, run_at, id) WHERE state = 'queued';\nCREATE INDEX jobs_due ON spool.jobs (queue, run_at) WHERE state = 'scheduled';\nCREATE INDEX jobs_leases ON spool.jobs (lease_expires_at) WHERE state = 'running';\nCREATE INDEX jobs_waiting ON spool.jobs (queue) WHERE state = 'waiting';\nCREATE INDEX jobs_finished ON spool.jobs (state, finished_at, id) WHERE finished_at IS NOT NULL;\nCREATE UNIQUE INDEX jobs_key ON spool.jobs (task, key) WHERE key IS NOT NULL;\nCREATE INDEX jobs_workflow ON spool.jobs (workflow_id, state) WHERE workflow_id IS NOT NULL;\n\n-- Dependency edges: child waits for parent.\nCREATE TABLE spool.job_deps (\n  parent_id text COLLATE \"C\" NOT NULL,\n  child_id  text COLLATE \"C\" NOT NULL,\n  PRIMARY KEY (parent_id, child_id)\n);\nCREATE INDEX job_deps_child ON spool.job_deps (child_id);\n\n-- Queue flags. A queue without a row runs.\nCREATE TABLE spool.queues (\n  name       text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  paused     boolean NOT NULL DEFAULT false,\n  updated_at bigint  NOT NULL\n);\n\n-- Job log lines, capped per job by the writer.\nCREATE TABLE spool.job_logs (\n  seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  job_id  text COLLATE \"C\" NOT NULL,\n  attempt bigint NOT NULL,\n  at      bigint NOT NULL,\n  level   text   NOT NULL,\n  message text   NOT NULL\n);\nCREATE INDEX job_logs_job ON spool.job_logs (job_id, seq);\n\n-- Worker heartbeats.\nCREATE TABLE spool.workers (\n  id           text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  host         text   NOT NULL,\n  pid          bigint NOT NULL,\n  queues       text   NOT NULL,\n  concurrency  bigint NOT NULL,\n  running      text   NOT NULL,\n  started_at   bigint NOT NULL,\n  last_seen_at bigint NOT NULL,\n  expires_at   bigint NOT NULL\n);\n\n-- Change-feed batches too large for a NOTIFY payload (8,000 bytes): the notification carries\n-- the row's seq and listeners read the row. Rows are pruned after a few minutes.\nCREATE TABLE spool.events (\n  seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  at     bigint NOT NULL,\n  events text   NOT NULL\n);\n\n-- Schedules: the scheduler computes fire times, the store compare-and-sets next_fire_at.\nCREATE TABLE spool.schedules (\n  name         text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  spec         text    NOT NULL,\n  trigger_key  text    NOT NULL,\n  anchor_at    bigint  NOT NULL,\n  next_fire_at bigint,\n  last_fire_at bigint,\n  last_job_id  text,\n  runs         bigint  NOT NULL DEFAULT 0,\n  paused       boolean NOT NULL DEFAULT false,\n  created_at   bigint  NOT NULL,\n  updated_at   bigint  NOT NULL\n);\n\n-- Workflow records; `state` stays 'running' until retention settles it (every job final).\nCREATE TABLE spool.workflows (\n  id          text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  name        text   NOT NULL,\n  policy      text   NOT NULL,\n  state       text   NOT NULL,\n  spec        text   NOT NULL,\n  total       bigint NOT NULL,\n  counts      jsonb,\n  created_at  bigint NOT NULL,\n  finished_at bigint\n);\nCREATE INDEX workflows_running ON spool.workflows (id) WHERE state = 'running';\n\n-- The audit log (UUIDv7 ids: the primary key is the newest-first order) and revoked sessions.\nCREATE TABLE spool.audit (\n  id    text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  at    bigint NOT NULL,\n  entry text   NOT NULL\n);\nCREATE INDEX audit_at ON spool.audit (at);\n\nCREATE TABLE spool.revoked_sessions (\n  id         text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  expires_at bigint NOT NULL\n);",
  },
  {
    version: 2,
    name: "flow",
    sql: "-- 0002_flow: flow-control limits per queue (docs/flow-control.md). A queue without a row has none.\n-- A claim of a queue with a row locks it (FOR UPDATE), so claims of a limited queue take turns\n-- and each counts the running jobs its predecessors committed; `rate_tat` is the GCRA\n-- theoretical arrival time of the rate limit (fractional ms).\nCREATE TABLE spool.queue_limits (\n  name        text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  concurrency integer,\n  rate_limit  integer,\n  rate_per_ms bigint,\n  rate_burst  integer,\n  rate_tat    double precision,\n  updated_at  bigint NOT NULL\n);",
  },
  {
    version: 3,
    name: "flow_holds",
    sql: "-- 0003_flow_holds: queues held by a handler's RateLimitedError (docs/flow-control.md): no claim\n-- starts a job of the queue before `until`. Expired rows are harmless and overwritten.\nCREATE TABLE spool.queue_holds (\n  name  text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  until bigint NOT NULL\n);",
  },
  {
    version: 10,
    name: "flow_keys",
    sql: "-- 0010_flow_keys: per-task and per-key limits (docs/flow-control.md, \"Task and key limits\").\n-- `flow_key` is the job's limit key ('' when its task's limits have no key; NULL when the task\n-- has none), `flow` its limits as JSON ({\"c\":[limit,keyed],\"r\":[limit,perMs,burst,keyed]}),\n-- both written at enqueue. Rate state of task and key groups lives in spool.flow_state, their\n-- holds in spool.queue_holds (a group name holds a 0x1f separator, a queue's can not).\nALTER TABLE spool.jobs ADD COLUMN flow_key text COLLATE \"C\";\nALTER TABLE spool.jobs ADD COLUMN flow text;\n-- Running jobs per task and key (the cap's count inside the claim).\nCREATE INDEX jobs_flow_running ON spool.jobs (task, flow_key) WHERE state = 'running' AND flow_key IS NOT NULL;\n-- Whether a queue has queued jobs with limits (the claim takes the fair path then).\nCREATE INDEX jobs_flow_ready ON spool.jobs (queue, state) WHERE state IN ('queued', 'scheduled') AND flow_key IS NOT NULL;\nCREATE TABLE spool.flow_state (\n  grp text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  tat double precision NOT NULL\n);",
  },
  {
    version: 11,
    name: "dedupe",
    sql: "-- 0011_dedupe: dedupe windows (docs/flow-control.md, src/backend/dedupe-rule.ts). Per (task,\n-- dedupe key), the job last created for the key and when (first_at, store ms). An enqueue with a\n-- dedupe upserts its row first (dedupe-lock.sql), which locks it until the enqueue commits: the\n-- enqueues of one key take turns, each seeing what the previous one committed. A row whose job\n-- is gone (removed, pruned) matches nothing and is overwritten by the next enqueue.\nCREATE TABLE spool.dedupe (\n  task     text COLLATE \"C\" NOT NULL,\n  key      text COLLATE \"C\" NOT NULL,\n  job_id   text COLLATE \"C\" NOT NULL,\n  first_at bigint NOT NULL,\n  PRIMARY KEY (task, key)\n);",
  },
  {
    version: 12,
    name: "spawn",
    sql: "-- 0012_spawn (dynamic children, ctx.spawn): a job that spawned children waits on them with a\n-- policy for a child that fails or is cancelled ('fail': released at once; 'continue': counted\n-- like a completion) instead of being cancelled by the dependency cascade. NULL for every other\n-- job (no index: read only by id).\nALTER TABLE spool.jobs ADD COLUMN IF NOT EXISTS spawn_policy text;",
  },
  {
    version: 14,
    name: "schedule_runs",
    sql: "-- 0014_schedule_runs (dash, issue 18): each schedule's recent fires for the dashboard's \"last\n-- runs\": a fire that enqueued a job, a manual run (fire_at NULL), or a skipped fire (job_id\n-- NULL, skipped = why). Written in the fire's own transaction, which holds the schedule's row\n-- lock, so `seq` (per schedule) has one writer at a time; the fire that adds a row drops those\n-- beyond the last 20 of its schedule. Removing a schedule removes its runs (its jobs stay).\nCREATE TABLE spool.schedule_runs (\n  name    text COLLATE \"C\" NOT NULL REFERENCES spool.schedules (name) ON DELETE CASCADE,\n  seq     bigint NOT NULL,\n  at      bigint NOT NULL,\n  fire_at bigint,\n  job_id  text,\n  skipped text,\n  PRIMARY KEY (name, seq)\n);",
  },
  {
    version: 21,
    name: "follow_ups",
    sql: "-- 0021_follow_ups: durable follow-ups (docs/flow-control.md, src/backend/follow-ups.ts). A job\n-- created with `then` / `catch` keeps one row per outcome here (the FollowUpJob template as\n-- JSON) and is marked has_dependents, so the writes that record its outcome (complete, fail,\n-- rescue: they already look at has_dependents) take the rows and insert the follow-up job in\n-- the same transaction. Rows go when the outcome takes them.\nCREATE TABLE spool.follow_ups (\n  parent_id text COLLATE \"C\" NOT NULL,\n  outcome   text COLLATE \"C\" NOT NULL,\n  job       text NOT NULL,\n  PRIMARY KEY (parent_id, outcome)\n);",
  },
  {
    version: 31,
    name: "dedupe_job",
    sql: "-- 0031_dedupe_job: removing a job (removal, retention, move) also deletes the dedupe row that\n-- records it (a row whose job is gone matches nothing, so it is only garbage), found by job id.\nCREATE INDEX dedupe_job ON spool.dedupe (job_id);",
  },
  {
    version: 62,
    name: "flow_live",
    sql: "-- 0062_flow_live: the strategy at the cap (docs/flow-control.md, \"Strategy at the cap\") reads a\n-- cap group's live (queued or running) jobs, oldest first, inside the enqueue's transaction.\nCREATE INDEX jobs_flow_live ON spool.jobs (task, flow_key, created_at, id)\n  WHERE state IN ('queued', 'running') AND flow_key IS NOT NULL;",
  },
  {
    version: 63,
    name: "list_indexes",
    sql: "-- Reads that stay flat over a big store (issue 17): indexes the list statements walk, and\n-- per-queue counts of finished jobs kept by triggers (counting them scanned every finished row:\n-- ~1.1 s at 1M jobs).\n--\n-- (state, id): a state filter walks its state's jobs in id order (job-list-state.sql);\n-- (created_at, id): a created-time range is read index-only to bound the id walk\n-- (job-list-range-probe.sql, job-list-span.sql); (task, id): a task filter (job-list-task.sql).\n-- Cost: every UPDATE of a job is already non-HOT (state is in the partial indexes'\n-- predicates), so each index takes one more entry per update.\n-- Writers wait while this runs (the indexes and the first counts must see every job).\nLOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;\n\nCREATE INDEX IF NOT EXISTS jobs_state_id ON spool.jobs (state, id);\nCREATE INDEX IF NOT EXISTS jobs_created ON spool.jobs (created_at, id);\nCREATE INDEX IF NOT EXISTS jobs_task_id ON spool.jobs (task, id);\n\n-- Deltas of the finished jobs per queue and state: each statement that finishes, un-finishes\n-- or deletes jobs appends one row per (queue, state) it changed (appending: no row that every\n-- completing transaction would update, so no lock that serializes them). queueList sums them;\n-- retention folds them into one row per (queue, state) (finished-counts-fold.sql).\nCREATE TABLE IF NOT EXISTS spool.finished_counts (\n  queue text COLLATE \"C\" NOT NULL,\n  state text NOT NULL,\n  n     bigint NOT NULL\n);\n\nINSERT INTO spool.finished_counts (queue, state, n)\n  SELECT queue, state, count(*) FROM spool.jobs\n  WHERE state IN ('completed', 'failed', 'cancelled')\n  GROUP BY queue, state;\n\n-- Statement-level, with transition tables: one trigger run per statement (a completion batch is\n-- one UPDATE), not one per row.\nCREATE OR REPLACE FUNCTION spool.finished_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.finished_counts (queue, state, n)\n    SELECT queue, state, count(*) FROM new_rows\n    WHERE state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state;\n  RETURN NULL;\nEND $$;\n\nCREATE OR REPLACE FUNCTION spool.finished_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.finished_counts (queue, state, n)\n    SELECT queue, state, sum(d) FROM (\n      SELECT n.queue, n.state, 1 AS d FROM new_rows n JOIN old_rows o ON o.id = n.id\n      WHERE n.state IN ('completed', 'failed', 'cancelled') AND (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)\n      UNION ALL\n      SELECT o.queue, o.state, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id\n      WHERE o.state IN ('completed', 'failed', 'cancelled') AND (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)\n    ) AS changes\n    GROUP BY queue, state HAVING sum(d) <> 0;\n  RETURN NULL;\nEND $$;\n\nCREATE OR REPLACE FUNCTION spool.finished_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.finished_counts (queue, state, n)\n    SELECT queue, state, -count(*) FROM old_rows\n    WHERE state IN ('completed', 'failed', 'cancelled') GROUP BY queue, state;\n  RETURN NULL;\nEND $$;\n\nDROP TRIGGER IF EXISTS finished_counts_insert ON spool.jobs;\nCREATE TRIGGER finished_counts_insert AFTER INSERT ON spool.jobs\n  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_insert();\nDROP TRIGGER IF EXISTS finished_counts_update ON spool.jobs;\nCREATE TRIGGER finished_counts_update AFTER UPDATE ON spool.jobs\n  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_update();\nDROP TRIGGER IF EXISTS finished_counts_delete ON spool.jobs;\nCREATE TRIGGER finished_counts_delete AFTER DELETE ON spool.jobs\n  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.finished_counts_delete();",
  },
  {
    version: 82,
    name: "flow_groups",
    sql: "-- 0082_flow_groups: the fair claim reads one group (task + limit key) at a time through an index,\n-- and goes on from claim to claim round the groups (docs/flow-control.md, \"Fairness between\n-- keys\"), as SQLite does since its 0051. Before, one window query numbered and sorted every\n-- queued job of the queue on every fair claim, so its cost grew with the backlog.\n-- Queued jobs with limits by group, each group in claim order: the walk from group to group is\n-- one seek per step (`(task, flow_key) > (…)`), and a group's next jobs one range read.\nCREATE INDEX jobs_flow_groups ON spool.jobs (queue, task, flow_key, priority DESC, run_at, id)\n  WHERE state = 'queued' AND flow_key IS NOT NULL;\n-- Queued jobs without limits, in claim order: the fair claim serves them as one more group.\n-- Without it, finding the next job without limits in a queue full of jobs with limits walks\n-- them all (jobs_ready holds both).\nCREATE INDEX jobs_plain_ready ON spool.jobs (queue, priority DESC, run_at, id)\n  WHERE state = 'queued' AND flow_key IS NULL;\n-- Where each queue's round-robin between groups goes on: the last group a fair claim served\n-- (task NULL: the group of jobs without limits). One row per queue that had a fair claim,\n-- written under the fair claims' advisory lock (flow-lock.sql).\nCREATE TABLE spool.flow_cursor (\n  queue    text COLLATE \"C\" NOT NULL PRIMARY KEY,\n  task     text COLLATE \"C\",\n  flow_key text COLLATE \"C\"\n);",
  },
  {
    version: 90,
    name: "queue_list_index",
    sql: "-- (queue, id): a queue filter walks its queue's jobs in id order (job-list-queue.sql) and stops\n-- after one page. The walk of every job in id order read every newer job of the other queues\n-- first: a dashboard listing a quiet queue beside a busy one read the busy one's whole backlog.\n-- Cost as the list indexes of 0063: every UPDATE of a job is already non-HOT, so one more entry\n-- per update.\n-- Writers wait while this runs (the index must see every job).\nLOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;\n\nCREATE INDEX IF NOT EXISTS jobs_queue_id ON spool.jobs (queue, id);",
  },
  {
    version: 91,
    name: "state_counts",
    sql: "-- Per-queue counts of every state, kept by the triggers of 0063, which counted only the\n-- finished states: the live ones (waiting, scheduled, queued, running) were counted from their\n-- partial indexes at every queueList. PostgreSQL cannot count an index without visiting the\n-- heap of rows changed since the last VACUUM, which for jobs in flight is all of them, so with\n-- a backlog of 100,000 queued jobs a dashboard's `queues.list` took 240-500 ms while a worker\n-- drained it (and grew with the backlog). Now every state's count is the sum of the deltas,\n-- folded into one row per queue and state by each heartbeat and retention run\n-- (state-counts-fold.sql).\n-- Cost: a claim or a completion statement appends two delta rows where it appended zero or one.\n-- Writers wait while this runs (the first live counts must see every job).\nLOCK TABLE spool.jobs IN SHARE ROW EXCLUSIVE MODE;\n\nALTER TABLE spool.finished_counts RENAME TO state_counts;\n\nINSERT INTO spool.state_counts (queue, state, n)\n  SELECT queue, state, count(*) FROM spool.jobs\n  WHERE state NOT IN ('completed', 'failed', 'cancelled')\n  GROUP BY queue, state;\n\nDROP TRIGGER IF EXISTS finished_counts_insert ON spool.jobs;\nDROP TRIGGER IF EXISTS finished_counts_update ON spool.jobs;\nDROP TRIGGER IF EXISTS finished_counts_delete ON spool.jobs;\nDROP FUNCTION IF EXISTS spool.finished_counts_insert();\nDROP FUNCTION IF EXISTS spool.finished_counts_update();\nDROP FUNCTION IF EXISTS spool.finished_counts_delete();\n\n-- Statement-level, with transition tables: one trigger run per statement (a claim or a\n-- completion batch is one UPDATE), not one per row; appending, so no counter row that every\n-- transaction would lock.\nCREATE OR REPLACE FUNCTION spool.state_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.state_counts (queue, state, n)\n    SELECT queue, state, count(*) FROM new_rows GROUP BY queue, state;\n  RETURN NULL;\nEND $$;\n\nCREATE OR REPLACE FUNCTION spool.state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.state_counts (queue, state, n)\n    SELECT queue, state, sum(d) FROM (\n      SELECT n.queue, n.state, 1 AS d FROM new_rows n JOIN old_rows o ON o.id = n.id\n      WHERE (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)\n      UNION ALL\n      SELECT o.queue, o.state, -1 FROM new_rows n JOIN old_rows o ON o.id = n.id\n      WHERE (n.state, n.queue) IS DISTINCT FROM (o.state, o.queue)\n    ) AS changes\n    GROUP BY queue, state HAVING sum(d) <> 0;\n  RETURN NULL;\nEND $$;\n\nCREATE OR REPLACE FUNCTION spool.state_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.state_counts (queue, state, n)\n    SELECT queue, state, -count(*) FROM old_rows GROUP BY queue, state;\n  RETURN NULL;\nEND $$;\n\nCREATE TRIGGER state_counts_insert AFTER INSERT ON spool.jobs\n  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_insert();\nCREATE TRIGGER state_counts_update AFTER UPDATE ON spool.jobs\n  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_update();\nCREATE TRIGGER state_counts_delete AFTER DELETE ON spool.jobs\n  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION spool.state_counts_delete();",
  },
  {
    version: 92,
    name: "state_counts_no_join",
    sql: "-- 0092_state_counts_no_join: the UPDATE trigger of 0091 (and 0063 before it) found the changed\n-- rows by joining its transition tables on id. They carry no statistics, so the planner could\n-- pick a nested loop: a statement updating 10,001 jobs (a spawn marking its children's parents,\n-- `workflow-mark-parents.sql`) took 10.7 s in that join, and 32 s under load, past the 30 s\n-- statement timeout. The join is not needed: an UPDATE's old and new tables hold one row each\n-- per updated job, so +1 per new row and -1 per old row, summed by (queue, state), leave exactly\n-- the changes (a job whose queue and state did not change adds 0). Linear in the rows.\nCREATE OR REPLACE FUNCTION spool.state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO spool.state_counts (queue, state, n)\n    SELECT queue, state, sum(d) FROM (\n      SELECT queue, state, 1 AS d FROM new_rows\n      UNION ALL\n      SELECT queue, state, -1 FROM old_rows\n    ) AS changes\n    GROUP BY queue, state HAVING sum(d) <> 0;\n  RETURN NULL;\nEND $$;",
  },
];
