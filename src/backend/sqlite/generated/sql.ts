// generated — do not edit. Source: src/backend/sqlite/{queries,migrations}/*.sql; run `node scripts/embed-sql.mjs`.

/**
 * `queries/audit-insert.sql`: Appends one audit entry; an id already stored is left as it is (appends are idempotent).
 * Params: :id, :at, :entry (JSON).
 */
export const AUDIT_INSERT = "INSERT OR IGNORE INTO spool_audit (id, at, entry) VALUES (:id, :at, :entry)";

/**
 * `queries/audit-list.sql`: A page of audit entries, newest first, before the cursor id (primary key order).
 * Params: :before (id or NULL), :limit.
 * Returns: id, entry.
 */
export const AUDIT_LIST = "SELECT id, entry FROM spool_audit WHERE (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit";

/**
 * `queries/audit-prune.sql`: Removes up to :limit entries older than :before, oldest first (through the `at` index).
 * Params: :before, :limit.
 */
export const AUDIT_PRUNE = "DELETE FROM spool_audit WHERE id IN (SELECT id FROM spool_audit WHERE at < :before ORDER BY at LIMIT :limit)";

/**
 * `queries/clock-get.sql`: The store clock: the boot it belongs to and its offset (store time minus monotonic ms). No parameters.
 */
export const CLOCK_GET = "SELECT boot, offset_ms FROM spool_clock WHERE id = 1";

/**
 * `queries/clock-sync.sql`: Parameters: :boot (this boot's id), :offset_ms (this process's wall clock minus monotonic ms).
 * Sets the store clock's offset when there is none, or when the host booted again since it was
 * set (the monotonic clock restarted); otherwise keeps it, so every process shares it.
 */
export const CLOCK_SYNC = "INSERT INTO spool_clock (id, boot, offset_ms) VALUES (1, :boot, :offset_ms)\nON CONFLICT (id) DO UPDATE SET boot = excluded.boot, offset_ms = excluded.offset_ms\nWHERE spool_clock.boot <> excluded.boot";

/**
 * `queries/data-version.sql`: Changes whenever another connection (any process) committed since this connection last asked.
 * Params: none.
 * Returns: data_version.
 */
export const DATA_VERSION = "PRAGMA data_version";

/**
 * `queries/dedupe-delete-job.sql`: Deletes the dedupe row that records a removed job (it would match nothing; migration 0041
 * indexes job_id). A later job of the same key has its own row, untouched.
 * Params: :id.
 */
export const DEDUPE_DELETE_JOB = "DELETE FROM spool_dedupe WHERE job_id = :id";

/**
 * `queries/dedupe-get.sql`: The job last created for a dedupe key, with its state (NULL when the job is gone).
 * Params: :task, :key.
 * Returns: job_id, first_at, state, queue.
 */
export const DEDUPE_GET = "SELECT d.job_id, d.first_at, j.state, j.queue\nFROM spool_dedupe d LEFT JOIN spool_jobs j ON j.id = d.job_id\nWHERE d.task = :task AND d.key = :key";

/**
 * `queries/dedupe-put.sql`: Records the job just created for a dedupe key.
 * Params: :task, :key, :job_id, :first_at.
 */
export const DEDUPE_PUT = "INSERT INTO spool_dedupe (task, key, job_id, first_at) VALUES (:task, :key, :job_id, :first_at)\nON CONFLICT (task, key) DO UPDATE SET job_id = excluded.job_id, first_at = excluded.first_at";

/**
 * `queries/dep-insert.sql`: Records that :child_id waits for :parent_id.
 * Params: :parent_id, :child_id.
 */
export const DEP_INSERT = "INSERT OR IGNORE INTO spool_job_deps (parent_id, child_id) VALUES (:parent_id, :child_id)";

/**
 * `queries/deps-children.sql`: The jobs waiting for :parent_id.
 * Params: :parent_id.
 * Returns: child_id.
 */
export const DEPS_CHILDREN = "SELECT child_id FROM spool_job_deps WHERE parent_id = :parent_id";

/**
 * `queries/deps-delete.sql`: Removes every dependency edge touching one job (as parent or child). Children of a removed
 * parent keep their pending counters: a parent that never completed still blocks them.
 * Params: :id.
 */
export const DEPS_DELETE = "DELETE FROM spool_job_deps WHERE parent_id = :id OR child_id = :id";

/**
 * `queries/deps-release.sql`: One dependency of every waiting child of :parent_id completed: count it down; a child whose
 * last dependency completed becomes scheduled (run_at ahead) or queued (run_at raised to :now).
 * Params: :parent_id, :now.
 * Returns: id, queue, state of each child touched.
 */
export const DEPS_RELEASE = "UPDATE spool_jobs SET\n  pending_dependencies = max(0, pending_dependencies - 1),\n  state = CASE\n    WHEN pending_dependencies <= 1 THEN CASE WHEN run_at > :now THEN 'scheduled' ELSE 'queued' END\n    ELSE state\n  END,\n  run_at = CASE WHEN pending_dependencies <= 1 AND run_at < :now THEN :now ELSE run_at END,\n  updated_at = CASE WHEN pending_dependencies <= 1 THEN :now ELSE updated_at END\nWHERE state = 'waiting' AND id IN (SELECT child_id FROM spool_job_deps WHERE parent_id = :parent_id)\nRETURNING id, queue, state";

/**
 * `queries/events-head.sql`: The newest change-feed sequence number (0 when none): subscribers start there.
 * Params: none.
 * Returns: seq.
 */
export const EVENTS_HEAD = "SELECT coalesce(max(seq), 0) AS seq FROM spool_events";

/**
 * `queries/events-insert.sql`: Appends one change-feed row: the events of one committed batch.
 * Params: :at, :events (JSON array of BackendEvents).
 */
export const EVENTS_INSERT = "INSERT INTO spool_events (at, events) VALUES (:at, :events)";

/**
 * `queries/events-prune.sql`: Drops up to :batch of the oldest change-feed rows that are older than :before or beyond the
 * newest :keep rows, never the newest row (so sequence numbers are never reused). Looks at the
 * head of the table only, so it stays cheap.
 * Params: :batch, :before, :keep.
 */
export const EVENTS_PRUNE = "DELETE FROM spool_events\nWHERE seq IN (SELECT seq FROM spool_events ORDER BY seq LIMIT :batch)\n  AND seq < (SELECT max(seq) FROM spool_events)\n  AND (at < :before OR seq <= (SELECT max(seq) FROM spool_events) - :keep)";

/**
 * `queries/events-since.sql`: Change-feed rows after a sequence number, oldest first.
 * Params: :seq, :limit.
 * Returns: seq, events.
 */
export const EVENTS_SINCE = "SELECT seq, events FROM spool_events WHERE seq > :seq ORDER BY seq LIMIT :limit";

/**
 * `queries/flow-claim.sql`: Claims the jobs the fair claim chose (by rowid) if they are still queued: as job-claim.sql.
 * Params: :rowids (JSON array), :now, :token, :worker_id, :lease_ms.
 * Returns: each claimed job (in no particular order) as `CLAIM_COLUMNS` in rows.ts lists them
 * (see job-claim.sql), then flow_key.
 */
export const FLOW_CLAIM = "UPDATE spool_jobs SET\n  state = 'running',\n  attempt = attempt + 1,\n  lease_token = :token,\n  lease_expires_at = :now + coalesce(lease_ms, :lease_ms),\n  worker_id = :worker_id,\n  started_at = :now,\n  updated_at = :now\n-- `+state`: find the rows by rowid; an index on state would walk every queued job.\nWHERE rowid IN (SELECT value FROM json_each(:rowids)) AND +state = 'queued'\nRETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,\n  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at,\n  flow_key";

/**
 * `queries/flow-cursor-get.sql`: The last group a queue's fair claim served (task NULL: the jobs without limits).
 * Params: :queue. Returns: task, flow_key.
 */
export const FLOW_CURSOR_GET = "SELECT task, flow_key FROM spool_flow_cursor WHERE queue = :queue";

/**
 * `queries/flow-cursor-put.sql`: Stores the last group a queue's fair claim served. Params: :queue, :task, :key.
 */
export const FLOW_CURSOR_PUT = "INSERT INTO spool_flow_cursor (queue, task, flow_key) VALUES (:queue, :task, :key)\nON CONFLICT (queue) DO UPDATE SET task = excluded.task, flow_key = excluded.flow_key";

/**
 * `queries/flow-group-first.sql`: The first group (task, limit key) with queued jobs in a queue, in (task, flow_key) order
 * (index spool_jobs_flow_groups: one seek).
 * Params: :queue. Returns: task, flow_key.
 */
export const FLOW_GROUP_FIRST = "SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups\nWHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL\nORDER BY task, flow_key\nLIMIT 1";

/**
 * `queries/flow-group-jobs.sql`: Queued jobs of one group (task, limit key) in claim order: priority DESC, run_at, id
 * (index spool_jobs_flow_groups), from the :skip-th on.
 * Params: :queue, :task, :key, :n, :skip. Returns: rid (rowid), flow.
 */
export const FLOW_GROUP_JOBS = "SELECT rowid AS rid, flow FROM spool_jobs INDEXED BY spool_jobs_flow_groups\nWHERE state = 'queued' AND queue = :queue AND task = :task AND flow_key = :key\nORDER BY priority DESC, run_at, id\nLIMIT :n OFFSET :skip";

/**
 * `queries/flow-group-next.sql`: The group (task, limit key) with queued jobs that follows (:task, :key) in a queue, in
 * (task, flow_key) order: the next key of the same task, else the first key of the next task.
 * Two seeks of index spool_jobs_flow_groups (one row-value range `(task, flow_key) > (?, ?)`
 * seeks on task only and then walks the task's jobs).
 * Params: :queue, :task, :key. Returns: task, flow_key.
 */
export const FLOW_GROUP_NEXT = "SELECT task, flow_key FROM (\n  SELECT task, flow_key FROM (\n    SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups\n    WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL AND task = :task AND flow_key > :key\n    ORDER BY flow_key\n    LIMIT 1\n  )\n  UNION ALL\n  SELECT task, flow_key FROM (\n    SELECT task, flow_key FROM spool_jobs INDEXED BY spool_jobs_flow_groups\n    WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL AND task > :task\n    ORDER BY task, flow_key\n    LIMIT 1\n  )\n)\nLIMIT 1";

/**
 * `queries/flow-live-key.sql`: Live (queued or running) jobs of a keyed cap group, oldest first (strategy at the cap).
 * Params: :task, :key. Returns: id.
 */
export const FLOW_LIVE_KEY = "SELECT id FROM spool_jobs\nWHERE state IN ('queued', 'running') AND task = :task AND flow_key = :key\nORDER BY created_at, id";

/**
 * `queries/flow-live-task.sql`: Live (queued or running) jobs of a task's cap group (every job of the task with limits),
 * oldest first (strategy at the cap). Params: :task. Returns: id.
 */
export const FLOW_LIVE_TASK = "SELECT id FROM spool_jobs INDEXED BY spool_jobs_flow_live\nWHERE state IN ('queued', 'running') AND task = :task AND flow_key IS NOT NULL\nORDER BY created_at, id";

/**
 * `queries/flow-pending.sql`: Whether a queue's claim must take the fair path: it has queued jobs with limits, or a task
 * or key hold is on (their names hold a 0x1f separator). Every claim asks, so it must be one
 * seek: INDEXED BY, because the planner otherwise walked spool_jobs_state_id (every queued job
 * of every queue: 117 ms per plain claim at 100,000 queued).
 * Params: :queue, :now. Returns: one row when so.
 */
export const FLOW_PENDING = "SELECT 1 AS yes WHERE EXISTS (\n  SELECT 1 FROM spool_jobs INDEXED BY spool_jobs_flow_groups\n  WHERE state = 'queued' AND queue = :queue AND flow_key IS NOT NULL\n) OR EXISTS (\n  SELECT 1 FROM spool_queue_holds WHERE until > :now AND instr(name, char(31)) > 0\n)";

/**
 * `queries/flow-plain-jobs.sql`: Queued jobs without limits of a queue in claim order (index spool_jobs_plain_ready), from the
 * :skip-th on: the fair claim's group of jobs without limits.
 * Params: :queue, :tasks (JSON array of task names, or NULL for any), :n, :skip.
 * Returns: rid (rowid), task.
 */
export const FLOW_PLAIN_JOBS = "SELECT rowid AS rid, task FROM spool_jobs INDEXED BY spool_jobs_plain_ready\nWHERE state = 'queued' AND queue = :queue AND flow_key IS NULL\n  AND (:tasks IS NULL OR task IN (SELECT value FROM json_each(:tasks)))\nORDER BY priority DESC, run_at, id\nLIMIT :n OFFSET :skip";

/**
 * `queries/flow-running.sql`: Running jobs with limits of a task, with limit key :key (NULL: any key).
 * Params: :task, :key. Returns: n.
 */
export const FLOW_RUNNING = "SELECT count(*) AS n FROM spool_jobs\nWHERE state = 'running' AND task = :task AND flow_key IS NOT NULL AND (:key IS NULL OR flow_key = :key)";

/**
 * `queries/flow-tat-get.sql`: The rate state of a task or key group. Params: :grp. Returns: tat.
 */
export const FLOW_TAT_GET = "SELECT tat FROM spool_flow_state WHERE grp = :grp";

/**
 * `queries/flow-tat-put.sql`: Stores the rate state of a task or key group. Params: :grp, :tat.
 */
export const FLOW_TAT_PUT = "INSERT INTO spool_flow_state (grp, tat) VALUES (:grp, :tat)\nON CONFLICT (grp) DO UPDATE SET tat = excluded.tat";

/**
 * `queries/flow-waiting-held.sql`: Queued jobs without limits of the tasks a task hold is on now (flow-waiting.ts): a task
 * hold's name is 't', 0x1f, the task.
 * Params: :now.
 * Returns: queue, task, n.
 */
export const FLOW_WAITING_HELD = "SELECT j.queue, j.task, count(*) AS n\nFROM spool_queue_holds h\nCROSS JOIN spool_jobs j ON j.task = substr(h.name, 3) AND j.state = 'queued' AND j.flow_key IS NULL\nWHERE h.until > :now AND substr(h.name, 1, 2) = 't' || char(31)\nGROUP BY j.queue, j.task";

/**
 * `queries/flow-waiting.sql`: Queued jobs with limits per queue, task, limit key and limits (flow-waiting.ts).
 * INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
 * for `state = '...'` and reads every matching row; the partial index answers from the index alone
 * (test/backend/sqlite-queue-counts-plan.test.ts).
 * Params: none.
 * Returns: queue, task, flow_key, flow, n.
 */
export const FLOW_WAITING = "SELECT queue, task, flow_key, flow, count(*) AS n FROM spool_jobs INDEXED BY spool_jobs_flow_groups\nWHERE state = 'queued' AND flow_key IS NOT NULL\nGROUP BY queue, task, flow_key, flow";

/**
 * `queries/follow-up-delete.sql`: Deletes the follow-up templates of a removed job (one that ended without taking them:
 * cancelled, or removed before its outcome). Call only for a job marked has_dependents.
 * Params: :id.
 */
export const FOLLOW_UP_DELETE = "DELETE FROM spool_follow_ups WHERE parent_id = :id";

/**
 * `queries/follow-up-insert.sql`: Stores a follow-up template of a new job (the job is then marked has_dependents).
 * Params: :parent_id, :outcome ('completed' | 'failed'), :job (FollowUpJob JSON).
 */
export const FOLLOW_UP_INSERT = "INSERT INTO spool_follow_ups (parent_id, outcome, job) VALUES (:parent_id, :outcome, :job)";

/**
 * `queries/follow-up-list.sql`: A job's follow-up rows (templates and the "made" link, backend/follow-ups.ts) by the primary
 * key, joined to the job so one read tells "no such job" (no row) from "no follow-ups" (one row
 * with a null outcome).
 * Params: :id.
 * Returns: outcome, job (both null when the job has no follow-up rows).
 */
export const FOLLOW_UP_LIST = "SELECT f.outcome, f.job\nFROM spool_jobs j LEFT JOIN spool_follow_ups f ON f.parent_id = j.id\nWHERE j.id = :id";

/**
 * `queries/follow-up-take.sql`: At a job's outcome: removes its follow-up templates (both outcomes) and returns them; the
 * caller inserts the one for the outcome. The link to a follow-up an earlier outcome made (the
 * "made" row, backend/follow-ups.ts) stays.
 * Params: :parent_id.
 * Returns: outcome, job.
 */
export const FOLLOW_UP_TAKE = "DELETE FROM spool_follow_ups WHERE parent_id = :parent_id AND outcome <> 'made' RETURNING outcome, job";

/**
 * `queries/job-backoff.sql`: Gives a running job fenced by :token back to wait until :run_at without counting the attempt
 * (a handler's RateLimitedError): scheduled, or queued when :run_at is not ahead of :now.
 * Params: :id, :token, :run_at, :now.
 * Returns: queue, state (no row: refused).
 */
export const JOB_BACKOFF = "UPDATE spool_jobs SET\n  state = CASE WHEN :run_at > :now THEN 'scheduled' ELSE 'queued' END,\n  run_at = :run_at,\n  attempt = max(0, attempt - 1),\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue, state";

/**
 * `queries/job-by-key.sql`: The job holding an idempotency key for a task.
 * Params: :task, :key.
 * Returns: id, state.
 */
export const JOB_BY_KEY = "SELECT id, state FROM spool_jobs WHERE task = :task AND key = :key";

/**
 * `queries/job-cancel-dependent.sql`: Cancels a dependent of a failed or cancelled job unless it is final, running, or a spawn
 * waiter (its policy applies instead: job-spawn-settle.sql).
 * Params: :id, :now.
 * Returns: queue, has_dependents (no row: left alone).
 */
export const JOB_CANCEL_DEPENDENT = "UPDATE spool_jobs SET\n  state = 'cancelled',\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now,\n  updated_at = :now\nWHERE id = :id AND state IN ('waiting', 'scheduled', 'queued') AND spawn_policy IS NULL\nRETURNING queue, has_dependents";

/**
 * `queries/job-cancel.sql`: Cancels one job that is not final yet (a running job loses its lease).
 * Params: :id, :now.
 * Returns: queue, has_dependents, spawn_policy, depends_on (no row: already final or missing).
 */
export const JOB_CANCEL = "UPDATE spool_jobs SET\n  state = 'cancelled',\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now,\n  updated_at = :now\nWHERE id = :id AND state NOT IN ('completed', 'failed', 'cancelled')\nRETURNING queue, has_dependents, spawn_policy, depends_on";

/**
 * `queries/job-claim-tasks.sql`: As job-claim.sql, but only jobs of the tasks in :tasks (a JSON array of names): a worker
 * claims only the tasks it registered; jobs of other tasks stay queued for other workers.
 * Params: :queue, :tasks, :limit, :now, :token, :worker_id, :lease_ms.
 * Returns: each claimed job (in no particular order) as `CLAIM_COLUMNS` in rows.ts lists them:
 * only the columns the claim did not just set (state, queue, worker, token, times are known to
 * the caller), the JSON columns NULL when empty. The claim is the hottest read: each column
 * returned costs a value built per job, and RETURNING * was about 60% of the claim's cost.
 */
export const JOB_CLAIM_TASKS = "UPDATE spool_jobs SET\n  state = 'running',\n  attempt = attempt + 1,\n  lease_token = :token,\n  lease_expires_at = :now + coalesce(lease_ms, :lease_ms),\n  worker_id = :worker_id,\n  started_at = :now,\n  updated_at = :now\nWHERE rowid IN (\n  SELECT rowid FROM spool_jobs\n  WHERE state = 'queued' AND queue = :queue AND task IN (SELECT value FROM json_each(:tasks))\n  ORDER BY priority DESC, run_at, id\n  LIMIT :limit\n)\nRETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,\n  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at";

/**
 * `queries/job-claim.sql`: Claims up to :limit queued jobs of one queue in claim order (priority DESC, run_at, id):
 * running, attempt + 1, a lease fenced by :token.
 * Params: :queue, :limit, :now, :token, :worker_id, :lease_ms (default for jobs without their own).
 * Selects by rowid: the ready index holds it, so no lookup through the id index.
 * Returns: each claimed job (in no particular order) as `CLAIM_COLUMNS` in rows.ts lists them:
 * only the columns the claim did not just set (state, queue, worker, token, times are known to
 * the caller), the JSON columns NULL when empty. The claim is the hottest read: each column
 * returned costs a value built per job, and RETURNING * was about 60% of the claim's cost.
 */
export const JOB_CLAIM = "UPDATE spool_jobs SET\n  state = 'running',\n  attempt = attempt + 1,\n  lease_token = :token,\n  lease_expires_at = :now + coalesce(lease_ms, :lease_ms),\n  worker_id = :worker_id,\n  started_at = :now,\n  updated_at = :now\nWHERE rowid IN (\n  SELECT rowid FROM spool_jobs\n  WHERE state = 'queued' AND queue = :queue\n  ORDER BY priority DESC, run_at, id\n  LIMIT :limit\n)\nRETURNING id, task, priority, run_at, attempt, max_attempts, input, result, nullif(errors, '[]'), progress, key,\n  nullif(meta, '{}'), nullif(depends_on, '[]'), pending_dependencies, lease_ms, timeout_ms, created_at, finished_at";

/**
 * `queries/job-complete-many.sql`: Completes a batch of running jobs, each only if its token still fences it; progress (if any)
 * goes to 100%. One statement for the batch (ids must be distinct: the caller checks).
 * Params: :jobs (JSON array of [id, token, result]), :now.
 * Returns: id, queue, attempt, has_dependents of each completed job (in no particular order;
 *   missing ids were refused).
 * Plan: drive from the batch and probe the id index once per job. The unary `+` on state keeps
 * the planner off the (state, id) index of migration 0023: through it, it walked every running
 * job and scanned the whole batch for each (batch x running), which cut processing from ~50k
 * to ~6k jobs/s (test/backend/sqlite-hot-plan.test.ts checks the plan).
 */
export const JOB_COMPLETE_MANY = "UPDATE spool_jobs SET\n  state = 'completed',\n  result = b.value ->> 2,\n  progress = CASE WHEN progress IS NULL THEN NULL ELSE json_set(progress, '$.percent', 100) END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now,\n  updated_at = :now\nFROM json_each(:jobs) AS b\nWHERE spool_jobs.id = b.value ->> 0 AND +spool_jobs.state = 'running' AND spool_jobs.lease_token = b.value ->> 1\nRETURNING spool_jobs.id, queue, attempt, has_dependents";

/**
 * `queries/job-complete.sql`: Completes one running job if :token still fences it; progress (if any) goes to 100%.
 * Params: :id, :token, :result, :now.
 * Returns: queue, attempt, has_dependents (no row: refused).
 */
export const JOB_COMPLETE = "UPDATE spool_jobs SET\n  state = 'completed',\n  result = :result,\n  progress = CASE WHEN progress IS NULL THEN NULL ELSE json_set(progress, '$.percent', 100) END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  finished_at = :now,\n  updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue, attempt, has_dependents";

/**
 * `queries/job-dedupe-update.sql`: Debounce / replace: the pending job of a dedupe key takes the new input, and for debounce a
 * new run time and the state it implies (computed by dedupe-rule.ts; NULL keeps them).
 * Params: :id, :input, :run_at, :state, :now.
 * Returns: state (no row: the job started meanwhile; cannot happen inside the write lock).
 */
export const JOB_DEDUPE_UPDATE = "UPDATE spool_jobs SET\n  input = :input,\n  run_at = coalesce(:run_at, run_at),\n  state = coalesce(:state, state),\n  updated_at = :now\nWHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING state";

/**
 * `queries/job-delete.sql`: Removes one job that is not running.
 * Params: :id.
 * Returns: queue, state, has_dependents, has_dependencies (no row: running or missing).
 */
export const JOB_DELETE = "DELETE FROM spool_jobs WHERE id = :id AND state <> 'running'\nRETURNING queue, state, has_dependents, depends_on <> '[]' AS has_dependencies";

/**
 * `queries/job-fail.sql`: Records a failed attempt of one running job fenced by :token. With :retry_at set and attempts
 * left it goes back to scheduled (or queued when :retry_at is not ahead), else it ends failed.
 * SET expressions all read the row as it was before the update.
 * Params: :id, :token, :error (JSON object), :retry_at (or NULL), :now.
 * Returns: queue, state, attempt, run_at, has_dependents (no row: refused).
 */
export const JOB_FAIL = "UPDATE spool_jobs SET\n  errors = json_insert(errors, '$[#]', json(:error)),\n  state = CASE\n    WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN\n      CASE WHEN :retry_at > :now THEN 'scheduled' ELSE 'queued' END\n    ELSE 'failed'\n  END,\n  run_at = CASE\n    WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN max(:retry_at, :now)\n    ELSE run_at\n  END,\n  finished_at = CASE WHEN :retry_at IS NOT NULL AND attempt < max_attempts THEN finished_at ELSE :now END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue, state, attempt, run_at, has_dependents";

/**
 * `queries/job-get-many.sql`: Several jobs (in no particular order).
 * Params: :ids (JSON array of ids).
 * Returns: every column.
 */
export const JOB_GET_MANY = "SELECT * FROM spool_jobs WHERE id IN (SELECT value FROM json_each(:ids))";

/**
 * `queries/job-get.sql`: One job.
 * Params: :id.
 * Returns: every column.
 */
export const JOB_GET = "SELECT * FROM spool_jobs WHERE id = :id";

/**
 * `queries/job-insert-rows.sql`: Inserts new jobs, one row each, from rows made by `jobRow` (rows.ts: the one encoder of a
 * new job): enqueue (one job or a bulk batch), workflows and schedule fires all use it. A
 * duplicate id violates the primary key and aborts the statement. A job inserted `cancelled`
 * (a dependency had already failed) is finished at :now.
 * Params: :now, :workflow_id (NULL outside workflows), :jobs (JSON array of rows [id, task,
 *   queue, state, priority, run_at, max_attempts, input, key, meta (JSON text), depends_on
 *   (JSON text), pending_dependencies, lease_ms, timeout_ms, flow_key, flow (JSON text)]).
 */
export const JOB_INSERT_ROWS = "INSERT INTO spool_jobs (\n  id, task, queue, state, priority, run_at, max_attempts, input, key, meta, depends_on,\n  pending_dependencies, lease_ms, timeout_ms, created_at, finished_at, updated_at, workflow_id,\n  flow_key, flow\n)\nSELECT\n  j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,\n  j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12,\n  j.value ->> 13, :now, CASE WHEN j.value ->> 3 = 'cancelled' THEN :now END, :now, :workflow_id,\n  j.value ->> 14, j.value ->> 15\nFROM json_each(:jobs) AS j";

/**
 * `queries/job-leased.sql`: A running job, if :token still fences it.
 * Params: :id, :token.
 * Returns: queue, attempt.
 */
export const JOB_LEASED = "SELECT queue, attempt FROM spool_jobs WHERE id = :id AND state = 'running' AND lease_token = :token";

/**
 * `queries/job-list-queue.sql`: One page of one queue's jobs, oldest first: `queue = :queue` with no OR around it lets the planner
 * walk spool_jobs_queue_id (migration 0090) in id order and stop after one page (the walk of
 * every job read the other queues' newer jobs first). Other NULL filters match everything;
 * :states and :task are NULL here (a state filter goes to job-list-state.sql, a task filter to
 * job-list-task.sql first).
 * Params: :queue, :key, :created_after, :created_before, :after (never NULL: see job-list.sql),
 *   :search, :limit.
 * Returns: every column.
 */
export const JOB_LIST_QUEUE_ASC = "SELECT * FROM spool_jobs\nWHERE queue = :queue\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id > :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id ASC\nLIMIT :limit";

/**
 * `queries/job-list-queue.sql`: One page of one queue's jobs, newest first: `queue = :queue` with no OR around it lets the planner
 * walk spool_jobs_queue_id (migration 0090) in id order and stop after one page (the walk of
 * every job read the other queues' newer jobs first). Other NULL filters match everything;
 * :states and :task are NULL here (a state filter goes to job-list-state.sql, a task filter to
 * job-list-task.sql first).
 * Params: :queue, :key, :created_after, :created_before, :after (never NULL: see job-list.sql),
 *   :search, :limit.
 * Returns: every column.
 */
export const JOB_LIST_QUEUE_DESC = "SELECT * FROM spool_jobs\nWHERE queue = :queue\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id < :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id DESC\nLIMIT :limit";

/**
 * `queries/job-list-range-probe.sql`: The jobs created in [:created_after, :created_before) (a NULL bound is open), read from
 * spool_jobs_created (migration 0053) alone, at most :cap of them: how many (up to :cap), and
 * their smallest and largest id, which bound the walk of job-list-span.sql. n = :cap means the
 * range may hold more (a wide range: reads.ts then walks as if there were no range).
 * Params: :created_after, :created_before, :cap.
 * Returns: n, lo, hi (NULL when n = 0).
 */
export const JOB_LIST_RANGE_PROBE = "SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM (\n  SELECT id FROM spool_jobs\n  WHERE created_at >= coalesce(:created_after, -9e18) AND created_at < coalesce(:created_before, 9e18)\n  LIMIT :cap\n)";

/**
 * `queries/job-list-span.sql`: One page of jobs, oldest first, among ids in [:lo, :hi]: a created-time range walks only the ids
 * between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
 * through the primary key. Ids follow creation closely, so nearly every id there is in the
 * range; each row is still checked against every filter, so a wide span costs time, never a
 * wrong row. `+created_at` keeps the planner on the primary key (the page is in id order).
 * Params: :lo, :hi (inclusive), and as job-list.sql (:states NULL or a JSON array; :after
 *   never NULL).
 * Returns: every column.
 */
export const JOB_LIST_SPAN_ASC = "SELECT * FROM spool_jobs\nWHERE id >= :lo AND id <= :hi\n  AND (:queue IS NULL OR queue = :queue)\n  AND (:states IS NULL OR state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR +created_at >= :created_after)\n  AND (:created_before IS NULL OR +created_at < :created_before)\n  AND id > :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id ASC\nLIMIT :limit";

/**
 * `queries/job-list-span.sql`: One page of jobs, newest first, among ids in [:lo, :hi]: a created-time range walks only the ids
 * between the smallest and largest id of the jobs created in it (job-list-range-probe.sql),
 * through the primary key. Ids follow creation closely, so nearly every id there is in the
 * range; each row is still checked against every filter, so a wide span costs time, never a
 * wrong row. `+created_at` keeps the planner on the primary key (the page is in id order).
 * Params: :lo, :hi (inclusive), and as job-list.sql (:states NULL or a JSON array; :after
 *   never NULL).
 * Returns: every column.
 */
export const JOB_LIST_SPAN_DESC = "SELECT * FROM spool_jobs\nWHERE id >= :lo AND id <= :hi\n  AND (:queue IS NULL OR queue = :queue)\n  AND (:states IS NULL OR state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR +created_at >= :created_after)\n  AND (:created_before IS NULL OR +created_at < :created_before)\n  AND id < :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id DESC\nLIMIT :limit";

/**
 * `queries/job-list-state.sql`: One page of jobs in one state, oldest first: `state = :state` with no OR around it lets the
 * planner walk spool_jobs_state_id (migration 0023) in id order and stop after one page (behind
 * `:states IS NULL OR ... json_each` it walked every job). Any other NULL filter matches everything.
 * Params: :queue, :state, :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
 *   reads.ts passes a bound past every id, so `id > :after` is always a seek on the index:
 *   behind `:after IS NULL OR` it was a filter, and page k read k pages),
 *   :search (case-insensitive substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_STATE_ASC = "SELECT * FROM spool_jobs\nWHERE (:queue IS NULL OR queue = :queue)\n  AND state = :state\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id > :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id ASC\nLIMIT :limit";

/**
 * `queries/job-list-state.sql`: One page of jobs in one state, newest first: `state = :state` with no OR around it lets the
 * planner walk spool_jobs_state_id (migration 0023) in id order and stop after one page (behind
 * `:states IS NULL OR ... json_each` it walked every job). Any other NULL filter matches everything.
 * Params: :queue, :state, :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
 *   reads.ts passes a bound past every id, so `id < :after` is always a seek on the index:
 *   behind `:after IS NULL OR` it was a filter, and page k read k pages),
 *   :search (case-insensitive substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_STATE_DESC = "SELECT * FROM spool_jobs\nWHERE (:queue IS NULL OR queue = :queue)\n  AND state = :state\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id < :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id DESC\nLIMIT :limit";

/**
 * `queries/job-list-task.sql`: One page of one task's jobs, oldest first: `task = :task` with no OR around it lets the planner
 * walk spool_jobs_task_id (migration 0053) in id order and stop after one page (behind
 * `:task IS NULL OR` it walked every job). Other NULL filters match everything; :states is
 * NULL here (a state filter goes to job-list-state.sql first).
 * Params: :queue, :task, :key, :created_after, :created_before, :after (never NULL: see
 *   job-list.sql), :search, :limit.
 * Returns: every column.
 */
export const JOB_LIST_TASK_ASC = "SELECT * FROM spool_jobs\nWHERE task = :task\n  AND (:queue IS NULL OR queue = :queue)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id > :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id ASC\nLIMIT :limit";

/**
 * `queries/job-list-task.sql`: One page of one task's jobs, newest first: `task = :task` with no OR around it lets the planner
 * walk spool_jobs_task_id (migration 0053) in id order and stop after one page (behind
 * `:task IS NULL OR` it walked every job). Other NULL filters match everything; :states is
 * NULL here (a state filter goes to job-list-state.sql first).
 * Params: :queue, :task, :key, :created_after, :created_before, :after (never NULL: see
 *   job-list.sql), :search, :limit.
 * Returns: every column.
 */
export const JOB_LIST_TASK_DESC = "SELECT * FROM spool_jobs\nWHERE task = :task\n  AND (:queue IS NULL OR queue = :queue)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id < :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id DESC\nLIMIT :limit";

/**
 * `queries/job-list.sql`: One page of jobs, oldest first (ids sort by creation). A NULL filter matches everything.
 * Walks every job in id order: a created-time range, a state or a task filter goes to a
 * statement that walks an index instead (reads.ts jobList), so no state filter is written here:
 * the newest page is a walk of `limit` entries of the id index (sqlite-list-plan.test.ts).
 * Params: :queue, :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
 *   reads.ts passes a bound past every id, so `id > :after` is always a seek on the index:
 *   behind `:after IS NULL OR` it was a filter, and page k read k pages),
 *   :search (case-insensitive substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_ASC = "SELECT * FROM spool_jobs\nWHERE (:queue IS NULL OR queue = :queue)\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id > :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id ASC\nLIMIT :limit";

/**
 * `queries/job-list.sql`: One page of jobs, newest first (ids sort by creation). A NULL filter matches everything.
 * Walks every job in id order: a created-time range, a state or a task filter goes to a
 * statement that walks an index instead (reads.ts jobList), so no state filter is written here:
 * the newest page is a walk of `limit` entries of the id index (sqlite-list-plan.test.ts).
 * Params: :queue, :task, :key, :created_after (inclusive),
 *   :created_before (exclusive), :after (cursor: the last id of the previous page; with none,
 *   reads.ts passes a bound past every id, so `id < :after` is always a seek on the index:
 *   behind `:after IS NULL OR` it was a filter, and page k read k pages),
 *   :search (case-insensitive substring of id, key or the last error message), :limit.
 * Returns: every column.
 */
export const JOB_LIST_DESC = "SELECT * FROM spool_jobs\nWHERE (:queue IS NULL OR queue = :queue)\n  AND (:task IS NULL OR task = :task)\n  AND (:key IS NULL OR key = :key)\n  AND (:created_after IS NULL OR created_at >= :created_after)\n  AND (:created_before IS NULL OR created_at < :created_before)\n  AND id < :after\n  AND (:search IS NULL OR spool_contains_ci(\n    id || char(10) || coalesce(key, '') || char(10) || coalesce(json_extract(errors, '$[#-1].message'), ''),\n    :search\n  ))\nORDER BY id DESC\nLIMIT :limit";

/**
 * `queries/job-log-insert.sql`: Appends one log line.
 * Params: :job_id, :attempt, :at, :level, :message.
 */
export const JOB_LOG_INSERT = "INSERT INTO spool_job_logs (job_id, attempt, at, level, message) VALUES (:job_id, :attempt, :at, :level, :message)";

/**
 * `queries/job-logs-delete.sql`: Removes the log lines of one job.
 * Params: :job_id.
 */
export const JOB_LOGS_DELETE = "DELETE FROM spool_job_logs WHERE job_id = :job_id";

/**
 * `queries/job-logs-trim.sql`: Keeps only the newest :keep log lines of one job.
 * Params: :job_id, :keep.
 */
export const JOB_LOGS_TRIM = "DELETE FROM spool_job_logs\nWHERE job_id = :job_id AND seq <= (\n  SELECT seq FROM spool_job_logs WHERE job_id = :job_id ORDER BY seq DESC LIMIT 1 OFFSET :keep\n)";

/**
 * `queries/job-logs.sql`: The newest :limit log lines of one job, newest first.
 * Params: :job_id, :limit.
 * Returns: at, level, message, attempt.
 */
export const JOB_LOGS = "SELECT at, level, message, attempt FROM spool_job_logs WHERE job_id = :job_id ORDER BY seq DESC LIMIT :limit";

/**
 * `queries/job-mark-has-dependents.sql`: Flags a job as having dependents, so its completion or failure looks at spool_job_deps.
 * Params: :id.
 */
export const JOB_MARK_HAS_DEPENDENTS = "UPDATE spool_jobs SET has_dependents = 1 WHERE id = :id AND has_dependents = 0";

/**
 * `queries/job-next-run-at.sql`: The earliest run_at among the scheduled jobs of one queue.
 * Params: :queue.
 * Returns: run_at (NULL when none).
 */
export const JOB_NEXT_RUN_AT = "SELECT min(run_at) AS run_at FROM spool_jobs WHERE state = 'scheduled' AND queue = :queue";

/**
 * `queries/job-progress.sql`: Stores the progress of a running job fenced by :token.
 * Params: :id, :token, :progress (JSON object), :now.
 * Returns: queue (no row: refused).
 */
export const JOB_PROGRESS = "UPDATE spool_jobs SET progress = json(:progress), updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue";

/**
 * `queries/job-promote-due.sql`: Moves the scheduled jobs of one queue whose run_at has come to queued (claim does this first).
 * Params: :queue, :now.
 */
export const JOB_PROMOTE_DUE = "UPDATE spool_jobs SET state = 'queued'\nWHERE state = 'scheduled' AND queue = :queue AND run_at <= :now";

/**
 * `queries/job-promote.sql`: Runs a scheduled (delayed) job now: queued, due at :now.
 * Params: :id, :now.
 * Returns: queue (no row: refused, the job is not scheduled).
 */
export const JOB_PROMOTE = "UPDATE spool_jobs SET\n  state = 'queued',\n  run_at = :now,\n  updated_at = :now\nWHERE id = :id AND state = 'scheduled'\nRETURNING queue";

/**
 * `queries/job-release.sql`: Gives a running job fenced by :token back to queued without counting the attempt.
 * Params: :id, :token, :now.
 * Returns: queue (no row: refused).
 */
export const JOB_RELEASE = "UPDATE spool_jobs SET\n  state = 'queued',\n  attempt = max(0, attempt - 1),\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue";

/**
 * `queries/job-retry.sql`: Runs a failed or cancelled job again: queued now, attempt count starting over.
 * Params: :id, :now.
 * Returns: queue (no row: refused).
 */
export const JOB_RETRY = "UPDATE spool_jobs SET\n  state = 'queued',\n  attempt = 0,\n  run_at = :now,\n  finished_at = NULL,\n  pending_dependencies = 0,\n  updated_at = :now\nWHERE id = :id AND state IN ('failed', 'cancelled')\nRETURNING queue";

/**
 * `queries/job-search-scan-state.sql`: One page of jobs in one state whose search text contains :search, for searches too short for
 * the trigram index (1 or 2 characters), oldest first: as job-search-scan.sql, but `state = :state`
 * with no OR around it, so the walk goes through spool_jobs_state_id (migration 0023) in id
 * order and reads only that state's jobs (behind `:states IS NULL OR ... json_each` the planner
 * walked every job). A filter on several states runs this once per state (search.ts).
 * Params: as job-search-scan.sql, with :state in place of :states.
 * Returns: every column.
 */
export const JOB_SEARCH_SCAN_STATE_ASC = "SELECT j.* FROM spool_jobs j\nWHERE (:queue IS NULL OR j.queue = :queue)\n  AND j.state = :state\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id > :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id ASC\nLIMIT :limit";

/**
 * `queries/job-search-scan-state.sql`: One page of jobs in one state whose search text contains :search, for searches too short for
 * the trigram index (1 or 2 characters), newest first: as job-search-scan.sql, but `state = :state`
 * with no OR around it, so the walk goes through spool_jobs_state_id (migration 0023) in id
 * order and reads only that state's jobs (behind `:states IS NULL OR ... json_each` the planner
 * walked every job). A filter on several states runs this once per state (search.ts).
 * Params: as job-search-scan.sql, with :state in place of :states.
 * Returns: every column.
 */
export const JOB_SEARCH_SCAN_STATE_DESC = "SELECT j.* FROM spool_jobs j\nWHERE (:queue IS NULL OR j.queue = :queue)\n  AND j.state = :state\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id < :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id DESC\nLIMIT :limit";

/**
 * `queries/job-search-scan.sql`: One page of jobs whose search text contains :search, for searches too short for the trigram
 * index (1 or 2 characters): walks the jobs in id order, oldest first, until the page is full.
 * Used with no state filter; one state at a time goes to job-search-scan-state.sql.
 * Params: as job-search.sql, without :phrase.
 * Returns: every column.
 */
export const JOB_SEARCH_SCAN_ASC = "SELECT j.* FROM spool_jobs j\nWHERE (:queue IS NULL OR j.queue = :queue)\n  AND (:states IS NULL OR j.state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id > :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id ASC\nLIMIT :limit";

/**
 * `queries/job-search-scan.sql`: One page of jobs whose search text contains :search, for searches too short for the trigram
 * index (1 or 2 characters): walks the jobs in id order, newest first, until the page is full.
 * Used with no state filter; one state at a time goes to job-search-scan-state.sql.
 * Params: as job-search.sql, without :phrase.
 * Returns: every column.
 */
export const JOB_SEARCH_SCAN_DESC = "SELECT j.* FROM spool_jobs j\nWHERE (:queue IS NULL OR j.queue = :queue)\n  AND (:states IS NULL OR j.state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id < :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id DESC\nLIMIT :limit";

/**
 * `queries/job-search.sql`: One page of jobs whose search text contains :search (3+ characters), oldest first. The
 * trigram index (spool_jobs_search, migration 0005) finds the candidate rows (a document's rowid
 * is the job's rowid * 4 + part), plus the jobs with documents not indexed yet; each is checked
 * again against its own fields
 * (case-insensitive, as String.toLowerCase), then the other filters.
 * Params: :phrase (the search as an FTS5 phrase), :search (lower-case), :queue, :states (JSON
 *   array), :task, :key, :created_after, :created_before, :after (cursor), :limit.
 * Returns: every column.
 */
export const JOB_SEARCH_ASC = "SELECT j.* FROM spool_jobs j\nWHERE j.rowid IN (\n    SELECT rowid >> 2 FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase\n    UNION SELECT doc >> 2 FROM spool_jobs_search_pending\n  )\n  AND (:queue IS NULL OR j.queue = :queue)\n  AND (:states IS NULL OR j.state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id > :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id ASC\nLIMIT :limit";

/**
 * `queries/job-search.sql`: One page of jobs whose search text contains :search (3+ characters), newest first. The
 * trigram index (spool_jobs_search, migration 0005) finds the candidate rows (a document's rowid
 * is the job's rowid * 4 + part), plus the jobs with documents not indexed yet; each is checked
 * again against its own fields
 * (case-insensitive, as String.toLowerCase), then the other filters.
 * Params: :phrase (the search as an FTS5 phrase), :search (lower-case), :queue, :states (JSON
 *   array), :task, :key, :created_after, :created_before, :after (cursor), :limit.
 * Returns: every column.
 */
export const JOB_SEARCH_DESC = "SELECT j.* FROM spool_jobs j\nWHERE j.rowid IN (\n    SELECT rowid >> 2 FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase\n    UNION SELECT doc >> 2 FROM spool_jobs_search_pending\n  )\n  AND (:queue IS NULL OR j.queue = :queue)\n  AND (:states IS NULL OR j.state IN (SELECT value FROM json_each(:states)))\n  AND (:task IS NULL OR j.task = :task)\n  AND (:key IS NULL OR j.key = :key)\n  AND (:created_after IS NULL OR j.created_at >= :created_after)\n  AND (:created_before IS NULL OR j.created_at < :created_before)\n  AND (:after IS NULL OR j.id < :after)\n  AND (\n    spool_contains_ci(j.id, :search)\n    OR spool_contains_ci(coalesce(j.key, ''), :search)\n    OR spool_contains_ci(j.input, :search)\n    OR spool_contains_ci(coalesce(j.result, ''), :search)\n    OR (j.errors <> '[]' AND EXISTS (\n      SELECT 1 FROM json_each(j.errors) e WHERE spool_contains_ci(coalesce(json_extract(e.value, '$.message'), ''), :search)\n    ))\n  )\nORDER BY j.id DESC\nLIMIT :limit";

/**
 * `queries/job-spawn-parent.sql`: The running parent of a spawn, fenced by :token.
 * Params: :id, :token.
 * Returns: depends_on, workflow_id (no row: refused).
 */
export const JOB_SPAWN_PARENT = "SELECT depends_on, workflow_id FROM spool_jobs WHERE id = :id AND state = 'running' AND lease_token = :token";

/**
 * `queries/job-spawn-settle.sql`: A child of the spawn waiter :id ended failed or cancelled: under 'fail' the waiter is released
 * at once (its resume fails it), under 'continue' the child counts like a completion.
 * Params: :id, :now.
 * Returns: queue, state (no row: not a waiting spawn waiter).
 */
export const JOB_SPAWN_SETTLE = "UPDATE spool_jobs SET\n  pending_dependencies = CASE WHEN spawn_policy = 'fail' THEN 0 ELSE max(0, pending_dependencies - 1) END,\n  state = CASE\n    WHEN spawn_policy = 'fail' OR pending_dependencies <= 1 THEN CASE WHEN run_at > :now THEN 'scheduled' ELSE 'queued' END\n    ELSE state\n  END,\n  run_at = CASE WHEN (spawn_policy = 'fail' OR pending_dependencies <= 1) AND run_at < :now THEN :now ELSE run_at END,\n  updated_at = :now\nWHERE id = :id AND state = 'waiting' AND spawn_policy IS NOT NULL\nRETURNING queue, state";

/**
 * `queries/job-spawn-wait.sql`: The parent of a spawn waits on its children: lease released, attempt given back (like a
 * release), its dependsOn extended by the children, its meta replaced.
 * Params: :id, :token, :now, :depends_on (JSON), :pending, :policy, :meta (JSON).
 * Returns: queue (no row: refused).
 */
export const JOB_SPAWN_WAIT = "UPDATE spool_jobs SET\n  state = 'waiting',\n  attempt = max(0, attempt - 1),\n  depends_on = :depends_on,\n  pending_dependencies = :pending,\n  spawn_policy = :policy,\n  meta = :meta,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING queue";

/**
 * `queries/job-state.sql`: The state of one job (no row when it does not exist).
 * Params: :id.
 * Returns: state.
 */
export const JOB_STATE = "SELECT state FROM spool_jobs WHERE id = :id";

/**
 * `queries/job-update.sql`: Edits a job that has not started: new priority and/or input (NULL keeps the current one).
 * The partial index of its state (spool_jobs_ready for a queued job) follows the new priority.
 * Params: :id, :priority, :input, :now.
 * Returns: queue, state (no row: refused, the job started, finished or is gone).
 */
export const JOB_UPDATE = "UPDATE spool_jobs SET\n  priority = coalesce(:priority, priority),\n  input = coalesce(:input, input),\n  updated_at = :now\nWHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING queue, state";

/**
 * `queries/lease-renew.sql`: Extends the lease of a running job fenced by :token.
 * Params: :id, :token, :now, :lease_ms (default for jobs without their own).
 * Returns: lease_expires_at (no row: lost).
 */
export const LEASE_RENEW = "UPDATE spool_jobs SET lease_expires_at = :now + coalesce(lease_ms, :lease_ms)\nWHERE id = :id AND state = 'running' AND lease_token = :token\nRETURNING lease_expires_at";

/**
 * `queries/lease-rescue.sql`: Recovers up to :limit running jobs whose lease expired: the lost attempt is recorded as a
 * LeaseExpiredError; the job goes back to queued, or ends failed when no attempts are left.
 * Params: :now, :limit, :message.
 * Returns: id, queue, state, attempt, has_dependents, error (the JSON error record).
 */
export const LEASE_RESCUE = "UPDATE spool_jobs SET\n  errors = json_insert(errors, '$[#]', json_object(\n    'attempt', attempt, 'name', 'LeaseExpiredError', 'code', 'LEASE_EXPIRED', 'message', :message, 'at', :now\n  )),\n  state = CASE WHEN attempt < max_attempts THEN 'queued' ELSE 'failed' END,\n  finished_at = CASE WHEN attempt < max_attempts THEN finished_at ELSE :now END,\n  lease_token = NULL,\n  lease_expires_at = NULL,\n  updated_at = :now\nWHERE rowid IN (\n  SELECT rowid FROM spool_jobs\n  WHERE state = 'running' AND lease_expires_at <= :now\n  ORDER BY lease_expires_at\n  LIMIT :limit\n)\nRETURNING id, queue, state, attempt, has_dependents, json_extract(errors, '$[#-1]') AS error";

/**
 * `queries/migrations-applied.sql`: Every applied migration version.
 * Params: none.
 * Returns: version.
 */
export const MIGRATIONS_APPLIED = "SELECT version FROM spool_migrations";

/**
 * `queries/migrations-create.sql`: Creates the migration ledger (before any migration can be recorded).
 * Params: none.
 */
export const MIGRATIONS_CREATE = "CREATE TABLE IF NOT EXISTS spool_migrations (\n  version    INTEGER NOT NULL PRIMARY KEY,\n  name       TEXT    NOT NULL,\n  applied_at INTEGER NOT NULL\n)";

/**
 * `queries/migrations-current.sql`: The highest applied migration version (0 on a fresh database).
 * Params: none.
 * Returns: version.
 */
export const MIGRATIONS_CURRENT = "SELECT coalesce(max(version), 0) AS version FROM spool_migrations";

/**
 * `queries/migrations-insert.sql`: Records one applied migration.
 * Params: :version, :name, :applied_at.
 */
export const MIGRATIONS_INSERT = "INSERT INTO spool_migrations (version, name, applied_at) VALUES (:version, :name, :applied_at)";

/**
 * `queries/move-dedupe-import.sql`: Writes one moved-in dedupe entry (jobImport): written when this store has none for the key,
 * or only one naming a job it does not hold (such an entry matches nothing here).
 * Params: :task, :key, :job_id, :first_at.
 */
export const MOVE_DEDUPE_IMPORT = "INSERT INTO spool_dedupe (task, key, job_id, first_at) VALUES (:task, :key, :job_id, :first_at)\nON CONFLICT (task, key) DO UPDATE SET job_id = excluded.job_id, first_at = excluded.first_at\nWHERE NOT EXISTS (SELECT 1 FROM spool_jobs AS j WHERE j.id = spool_dedupe.job_id)";

/**
 * `queries/move-delete.sql`: Deletes one moved-out job (jobMoveDelete): one the mover holds (running under :token) or a
 * finished one it copied. Anything else (claimed by a worker, put back) stays.
 * Params: :id, :token.
 * Returns: queue, state, has_dependents, has_dependencies (no row: skipped).
 */
export const MOVE_DELETE = "DELETE FROM spool_jobs\nWHERE id = :id\n  AND ((state = 'running' AND lease_token = :token) OR state IN ('completed', 'failed', 'cancelled'))\nRETURNING queue, state, has_dependents, depends_on <> '[]' AS has_dependencies";

/**
 * `queries/move-insert.sql`: Inserts one moved-in job with every column as the source stored it (jobImport, seam/move.ts);
 * the caller checked that the id and the idempotency key are free. A not-started job's state
 * and pending count are set afterwards by move-place.sql, once the whole batch is in.
 * Params: every column of spool_jobs but has_dependents and lease_token (JSON columns as text;
 *   move-shared.ts moveInsertColumns).
 */
export const MOVE_INSERT = "INSERT INTO spool_jobs (\n  id, task, queue, state, priority, run_at, attempt, max_attempts, input, result, errors, progress,\n  key, meta, depends_on, pending_dependencies, lease_ms, timeout_ms, worker_id, lease_expires_at,\n  created_at, started_at, finished_at, updated_at, workflow_id, spawn_policy, flow_key, flow\n) VALUES (\n  :id, :task, :queue, :state, :priority, :run_at, :attempt, :max_attempts, :input, :result, :errors, :progress,\n  :key, :meta, :depends_on, :pending_dependencies, :lease_ms, :timeout_ms, :worker_id, :lease_expires_at,\n  :created_at, :started_at, :finished_at, :updated_at, :workflow_id, :spawn_policy, :flow_key, :flow\n)";

/**
 * `queries/move-place.sql`: Sets a moved-in not-started job's state from its parents in this store (jobImport).
 * Params: :id, :state, :pending, :now (finished_at when the state is 'cancelled').
 */
export const MOVE_PLACE = "UPDATE spool_jobs\nSET state = :state, pending_dependencies = :pending,\n  finished_at = CASE WHEN :state = 'cancelled' THEN :now END\nWHERE id = :id";

/**
 * `queries/move-read-dedupe.sql`: The dedupe entries naming jobs of a move batch (jobMoveRead). No index on job_id: a batch
 * reads the table once, which a move pays per batch and nothing else does.
 * Params: :ids (JSON array of job ids).
 * Returns: task, key, job_id, first_at.
 */
export const MOVE_READ_DEDUPE = "SELECT task, key, job_id, first_at FROM spool_dedupe WHERE job_id IN (SELECT value FROM json_each(:ids))";

/**
 * `queries/move-read-follow-ups.sql`: The follow-up templates of a move batch's jobs (jobMoveRead), by the table's primary key.
 * Params: :ids (JSON array of job ids).
 * Returns: parent_id, outcome, job (FollowUpJob JSON).
 */
export const MOVE_READ_FOLLOW_UPS = "SELECT parent_id, outcome, job FROM spool_follow_ups WHERE parent_id IN (SELECT value FROM json_each(:ids))";

/**
 * `queries/move-take.sql`: Takes one not-started job out of circulation for `spool move` (seam/move.ts): it becomes
 * `running` under the mover's worker id and token with a lease that never expires, so no claim,
 * rescue, dependency release or workflow rule touches it. Other columns stay as they were.
 * Params: :id, :worker_id, :token, :until, :now.
 * Returns: id (no row: the job is not waiting, scheduled or queued).
 */
export const MOVE_TAKE = "UPDATE spool_jobs\nSET state = 'running', worker_id = :worker_id, lease_token = :token, lease_expires_at = :until, updated_at = :now\nWHERE id = :id AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING id";

/**
 * `queries/queue-counts.sql`: Jobs per queue and state, from spool_state_counts (migrations 0017 and 0092: kept by the hot
 * paths' own counts and by triggers), so the answer grows neither with the backlog nor with the
 * finished jobs retained.
 * Params: none.
 * Returns: queue, state, n.
 */
export const QUEUE_COUNTS = "SELECT queue, state, n FROM spool_state_counts WHERE n > 0";

/**
 * `queries/queue-hold-get.sql`: Until when a queue is held (no row, or a past instant: not held).
 * Params: :queue.
 * Returns: until.
 */
export const QUEUE_HOLD_GET = "SELECT until FROM spool_queue_holds WHERE name = :queue";

/**
 * `queries/queue-hold-put.sql`: Holds a queue until :until, or longer if it already is.
 * Params: :queue, :until.
 */
export const QUEUE_HOLD_PUT = "INSERT INTO spool_queue_holds (name, until) VALUES (:queue, :until)\nON CONFLICT (name) DO UPDATE SET until = max(until, excluded.until)";

/**
 * `queries/queue-limits-delete.sql`: Removes a queue's limits row (both limits removed).
 * Params: :queue.
 */
export const QUEUE_LIMITS_DELETE = "DELETE FROM spool_queue_limits WHERE name = :queue";

/**
 * `queries/queue-limits-get.sql`: One queue's limits and rate-limit state (no row: no limits).
 * Params: :queue.
 * Returns: concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
 */
export const QUEUE_LIMITS_GET = "SELECT concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat FROM spool_queue_limits WHERE name = :queue";

/**
 * `queries/queue-limits-list.sql`: Every queue with limits.
 * Params: none.
 * Returns: name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat.
 */
export const QUEUE_LIMITS_LIST = "SELECT name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat FROM spool_queue_limits";

/**
 * `queries/queue-limits-put.sql`: Writes a queue's whole limits row (the caller merged the change into the old one).
 * Params: :queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now.
 */
export const QUEUE_LIMITS_PUT = "INSERT INTO spool_queue_limits (name, concurrency, rate_limit, rate_per_ms, rate_burst, rate_tat, updated_at)\nVALUES (:queue, :concurrency, :rate_limit, :rate_per_ms, :rate_burst, :rate_tat, :now)\nON CONFLICT (name) DO UPDATE SET\n  concurrency = excluded.concurrency,\n  rate_limit = excluded.rate_limit,\n  rate_per_ms = excluded.rate_per_ms,\n  rate_burst = excluded.rate_burst,\n  rate_tat = excluded.rate_tat,\n  updated_at = excluded.updated_at";

/**
 * `queries/queue-limits-tat.sql`: Stores the rate limit's new GCRA state after a claim started jobs of the queue.
 * Params: :queue, :tat.
 */
export const QUEUE_LIMITS_TAT = "UPDATE spool_queue_limits SET rate_tat = :tat WHERE name = :queue";

/**
 * `queries/queue-oldest-queued.sql`: created_at of the oldest queued job per queue, found as PostgreSQL and Redis find it: the
 * smallest created_at among the first :depth jobs of each priority in claim order, read from
 * spool_jobs_ready (queue, priority DESC, run_at, id, created_at). Exact while a priority holds
 * no more queued jobs than :depth; beyond that, the oldest job near the head of the line (a job
 * created long ago but due only now sorts by its run_at). `min(created_at)` over every queued
 * job read the whole backlog: 111 ms at 1,000,000 queued, growing with it. A queue's priorities
 * are found by a loose index scan (one max() seek per priority present), so the cost is
 * queues × priorities × :depth index entries, whatever the backlog.
 * INDEXED BY: without planner statistics SQLite prefers the (state, id) index (migration 0023)
 * for `state = '...'` (test/backend/sqlite-queue-counts-plan.test.ts).
 * Params: :queues (a JSON array of the queues that have queued jobs), :depth.
 * Returns: queue, oldest.
 */
export const QUEUE_OLDEST_QUEUED = "WITH RECURSIVE prios(queue, priority) AS (\n  SELECT q.value,\n    (SELECT max(j.priority) FROM spool_jobs AS j INDEXED BY spool_jobs_ready\n     WHERE j.state = 'queued' AND j.queue = q.value)\n  FROM json_each(:queues) AS q\n  UNION ALL\n  SELECT p.queue,\n    (SELECT max(j.priority) FROM spool_jobs AS j INDEXED BY spool_jobs_ready\n     WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority < p.priority)\n  FROM prios AS p\n  WHERE p.priority IS NOT NULL\n)\nSELECT p.queue,\n  min((SELECT min(h.created_at) FROM (\n    SELECT j.created_at FROM spool_jobs AS j INDEXED BY spool_jobs_ready\n    WHERE j.state = 'queued' AND j.queue = p.queue AND j.priority = p.priority\n    ORDER BY j.priority DESC, j.run_at, j.id\n    LIMIT :depth\n  ) AS h)) AS oldest\nFROM prios AS p\nWHERE p.priority IS NOT NULL\nGROUP BY p.queue";

/**
 * `queries/queue-pause.sql`: Pauses a queue (claims skip it).
 * Params: :queue, :now.
 */
export const QUEUE_PAUSE = "INSERT INTO spool_queues (name, paused, updated_at) VALUES (:queue, 1, :now)\nON CONFLICT (name) DO UPDATE SET paused = 1, updated_at = :now";

/**
 * `queries/queue-paused-list.sql`: Every paused queue.
 * Params: none.
 * Returns: name.
 */
export const QUEUE_PAUSED_LIST = "SELECT name FROM spool_queues WHERE paused = 1";

/**
 * `queries/queue-paused.sql`: Whether a queue is paused (no row: not paused).
 * Params: :queue.
 * Returns: paused.
 */
export const QUEUE_PAUSED = "SELECT paused FROM spool_queues WHERE name = :queue";

/**
 * `queries/queue-resume.sql`: Resumes a queue. The row goes: a queue is listed while it has jobs or is paused.
 * Params: :queue.
 */
export const QUEUE_RESUME = "DELETE FROM spool_queues WHERE name = :queue";

/**
 * `queries/queue-running.sql`: Jobs of one queue running now (leased, prefetched ones included), for its concurrency cap.
 * Scans the running jobs' partial index: as many rows as the cluster's busy slots.
 * Params: :queue.
 * Returns: n.
 */
export const QUEUE_RUNNING = "SELECT count(*) AS n FROM spool_jobs WHERE state = 'running' AND queue = :queue";

/**
 * `queries/retention-before.sql`: Finished jobs of one state that finished before :before, oldest first (retention by age).
 * Jobs of a workflow that is still running are kept (their results feed its later jobs).
 * Params: :state, :before, :limit.
 * Returns: id.
 */
export const RETENTION_BEFORE = "SELECT id FROM spool_jobs AS j\nWHERE state = :state AND finished_at IS NOT NULL AND finished_at < :before\n  AND (j.workflow_id IS NULL\n    OR NOT EXISTS (SELECT 1 FROM spool_workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))\nORDER BY finished_at, id\nLIMIT :limit";

/**
 * `queries/retention-beyond-keep.sql`: Finished jobs of one state beyond the newest :keep, oldest first (retention by count): the
 * oldest (count - :keep) of them. Jobs of a running workflow are neither counted nor removed.
 * Params: :state, :keep, :limit.
 * Returns: id.
 */
export const RETENTION_BEYOND_KEEP = "SELECT id FROM spool_jobs AS j\nWHERE state = :state AND finished_at IS NOT NULL\n  AND (j.workflow_id IS NULL\n    OR NOT EXISTS (SELECT 1 FROM spool_workflows AS w WHERE w.id = j.workflow_id AND w.state = 'running'))\nORDER BY finished_at, id\nLIMIT max(0, min(:limit, (\n  SELECT count(*) FROM spool_jobs AS k\n  WHERE k.state = :state AND k.finished_at IS NOT NULL\n    AND (k.workflow_id IS NULL\n      OR NOT EXISTS (SELECT 1 FROM spool_workflows AS w WHERE w.id = k.workflow_id AND w.state = 'running'))\n) - :keep))";

/**
 * `queries/schedule-delete.sql`: Removes a schedule (its fired jobs stay).
 * Params: :name.
 */
export const SCHEDULE_DELETE = "DELETE FROM spool_schedules WHERE name = :name";

/**
 * `queries/schedule-fire-job.sql`: A won fire's job (inserted, or the one its idempotency key matched), recorded after the
 * compare-and-set (schedule-fire.sql, run with a null :job_id) and the insert: runs grows by
 * one and last_fire_at / last_job_id record the fire. Not run when the strategy at the cap
 * dropped the job: that fire counts as skipped.
 * Params: :name, :fire_at, :job_id, :now.
 * Returns: every spool_schedules column, after the update.
 */
export const SCHEDULE_FIRE_JOB = "UPDATE spool_schedules SET\n  last_fire_at = :fire_at,\n  last_job_id = :job_id,\n  runs = runs + 1,\n  updated_at = :now\nWHERE name = :name\nRETURNING *";

/**
 * `queries/schedule-fire.sql`: The compare-and-set of one fire: moves next_fire_at on only if it still holds the fire time
 * the caller saw and the schedule is not paused. With a job (:job_id not null) runs grows by one
 * and last_fire_at / last_job_id record the fire. No row returned: another caller fired first.
 * Params: :name, :expected_fire_at, :next_fire_at, :job_id (null: a skipped fire), :now.
 * Returns: every spool_schedules column, after the update.
 */
export const SCHEDULE_FIRE = "UPDATE spool_schedules SET\n  next_fire_at = :next_fire_at,\n  last_fire_at = CASE WHEN :job_id IS NULL THEN last_fire_at ELSE :expected_fire_at END,\n  last_job_id = coalesce(:job_id, last_job_id),\n  runs = runs + (:job_id IS NOT NULL),\n  updated_at = :now\nWHERE name = :name AND next_fire_at = :expected_fire_at AND paused = 0\nRETURNING *";

/**
 * `queries/schedule-get.sql`: One schedule by name.
 * Params: :name.
 * Returns: every spool_schedules column.
 */
export const SCHEDULE_GET = "SELECT * FROM spool_schedules WHERE name = :name";

/**
 * `queries/schedule-import.sql`: Inserts a moved-in schedule with every field as the source stored it, unless the name exists.
 * Params: every column of spool_schedules (paused 0/1).
 */
export const SCHEDULE_IMPORT = "INSERT INTO spool_schedules (\n  name, spec, trigger_key, anchor_at, next_fire_at, last_fire_at, last_job_id, runs, paused, created_at, updated_at\n) VALUES (\n  :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :last_fire_at, :last_job_id, :runs, :paused,\n  :created_at, :updated_at\n)\nON CONFLICT (name) DO NOTHING";

/**
 * `queries/schedule-insert.sql`: Creates a schedule (the caller checked that the name is free inside the same transaction).
 * Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused (0/1), :now.
 */
export const SCHEDULE_INSERT = "INSERT INTO spool_schedules (name, spec, trigger_key, anchor_at, next_fire_at, paused, created_at, updated_at)\nVALUES (:name, :spec, :trigger_key, :anchor_at, :next_fire_at, :paused, :now, :now)";

/**
 * `queries/schedule-list.sql`: Every schedule, by name.
 * Returns: every spool_schedules column.
 */
export const SCHEDULE_LIST = "SELECT * FROM spool_schedules ORDER BY name";

/**
 * `queries/schedule-pause.sql`: Pauses a schedule. Idempotent.
 * Params: :name, :now.
 */
export const SCHEDULE_PAUSE = "UPDATE spool_schedules SET paused = 1, updated_at = :now WHERE name = :name";

/**
 * `queries/schedule-resume.sql`: Resumes a schedule; a paused one gets the next fire time computed from now (time spent
 * paused is not a misfire). Resuming an active schedule changes nothing else.
 * Params: :name, :next_fire_at, :now.
 */
export const SCHEDULE_RESUME = "UPDATE spool_schedules SET\n  next_fire_at = CASE WHEN paused THEN :next_fire_at ELSE next_fire_at END,\n  paused = 0,\n  updated_at = :now\nWHERE name = :name";

/**
 * `queries/schedule-run-insert.sql`: Records one fire of a schedule (inside the fire's transaction), numbered after its last one.
 * Params: :name, :at, :fire_at (NULL: a manual run), :job_id (NULL: skipped), :skipped.
 */
export const SCHEDULE_RUN_INSERT = "INSERT INTO spool_schedule_runs (name, seq, at, fire_at, job_id, skipped)\nSELECT :name, coalesce(max(seq), 0) + 1, :at, :fire_at, :job_id, :skipped\nFROM spool_schedule_runs WHERE name = :name";

/**
 * `queries/schedule-run-list.sql`: A schedule's recent fires, newest first (the primary key walked backwards).
 * Params: :name, :limit.
 * Returns: at, fire_at, job_id, skipped.
 */
export const SCHEDULE_RUN_LIST = "SELECT at, fire_at, job_id, skipped FROM spool_schedule_runs\nWHERE name = :name ORDER BY seq DESC LIMIT :limit";

/**
 * `queries/schedule-run-now.sql`: A manual run ("run now"): records its job as the schedule's last one; fire times stay.
 * Params: :name, :job_id, :now.
 * Returns: every spool_schedules column, after the update.
 */
export const SCHEDULE_RUN_NOW = "UPDATE spool_schedules SET last_job_id = :job_id, updated_at = :now WHERE name = :name\nRETURNING *";

/**
 * `queries/schedule-run-prune.sql`: Drops a schedule's runs beyond its newest :keep (right after one was added).
 * Params: :name, :keep.
 */
export const SCHEDULE_RUN_PRUNE = "DELETE FROM spool_schedule_runs\nWHERE name = :name AND seq <= (SELECT max(seq) FROM spool_schedule_runs WHERE name = :name) - :keep";

/**
 * `queries/schedule-update.sql`: Redefines a schedule. With the same trigger (:retrigger = 0) its anchor, next fire time, runs
 * and pause state stay; with a new trigger (:retrigger = 1) the anchor and next fire time reset.
 * Params: :name, :spec, :trigger_key, :anchor_at, :next_fire_at, :retrigger (0/1), :now.
 */
export const SCHEDULE_UPDATE = "UPDATE spool_schedules SET\n  spec = :spec,\n  trigger_key = :trigger_key,\n  anchor_at = CASE WHEN :retrigger THEN :anchor_at ELSE anchor_at END,\n  next_fire_at = CASE WHEN :retrigger THEN :next_fire_at ELSE next_fire_at END,\n  updated_at = :now\nWHERE name = :name";

/**
 * `queries/search-candidates.sql`: How many candidate documents a search has, counted up to :cap: the index's matches plus the
 * documents not indexed yet. Few: the index finds the jobs; many: walking the jobs newest first
 * fills a page sooner (search.ts).
 * Params: :phrase, :cap.
 * Returns: n.
 */
export const SEARCH_CANDIDATES = "SELECT\n  (SELECT count(*) FROM (SELECT 1 FROM spool_jobs_search WHERE spool_jobs_search MATCH :phrase LIMIT :cap)) +\n  (SELECT count(*) FROM (SELECT 1 FROM spool_jobs_search_pending LIMIT :cap)) AS n";

/**
 * `queries/search-index.sql`: Indexes the waiting documents up to :upto (see migration 0005 for the document layout).
 * A result or error list that is empty again has nothing to index.
 * Params: :upto.
 */
export const SEARCH_INDEX = "INSERT INTO spool_jobs_search (rowid, body)\nSELECT\n  p.doc,\n  CASE p.doc & 3\n    WHEN 0 THEN j.id || char(10) || coalesce(j.key, '') || char(10) || j.input\n    WHEN 1 THEN j.result\n    ELSE (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(j.errors) e)\n  END\nFROM spool_jobs_search_pending p JOIN spool_jobs j ON j.rowid = p.doc >> 2\nWHERE p.doc <= :upto\n  AND (p.doc & 3 = 0 OR (p.doc & 3 = 1 AND j.result IS NOT NULL) OR (p.doc & 3 = 2 AND j.errors <> '[]'))";

/**
 * `queries/search-pending-any.sql`: Whether any document waits to be indexed.
 * Returns: one row (any) or none.
 */
export const SEARCH_PENDING_ANY = "SELECT 1 AS any FROM spool_jobs_search_pending LIMIT 1";

/**
 * `queries/search-pending-delete.sql`: Forgets the waiting documents up to :upto once they are indexed.
 * Params: :upto.
 */
export const SEARCH_PENDING_DELETE = "DELETE FROM spool_jobs_search_pending WHERE doc <= :upto";

/**
 * `queries/search-pending-upto.sql`: The last of the next :limit documents waiting to be indexed (doc order), or no row.
 * Params: :limit.
 * Returns: doc.
 */
export const SEARCH_PENDING_UPTO = "SELECT doc FROM (SELECT doc FROM spool_jobs_search_pending ORDER BY doc LIMIT :limit) ORDER BY doc DESC LIMIT 1";

/**
 * `queries/session-prune.sql`: Drops revocations of sessions that have expired anyway.
 * Params: :now.
 */
export const SESSION_PRUNE = "DELETE FROM spool_revoked_sessions WHERE expires_at <= :now";

/**
 * `queries/session-revoke.sql`: Marks a session as logged out until it would have expired (keeps the later expiry).
 * Params: :id, :expires_at.
 */
export const SESSION_REVOKE = "INSERT INTO spool_revoked_sessions (id, expires_at) VALUES (:id, :expires_at)\nON CONFLICT (id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)";

/**
 * `queries/session-revoked.sql`: Whether a session is logged out (and not yet past its own expiry).
 * Params: :id, :now.
 * Returns: one row when revoked.
 */
export const SESSION_REVOKED = "SELECT 1 AS revoked FROM spool_revoked_sessions WHERE id = :id AND expires_at > :now";

/**
 * `queries/state-counts-add.sql`: Adds n (negative: takes) to a queue's count of jobs in one state (spool_state_counts,
 * migrations 0017 and 0092): the hot transitions (inserts in a live state, claims, completions)
 * are counted here once per queue and statement instead of by a trigger per row.
 * Params: :queue, :state, :n.
 */
export const STATE_COUNTS_ADD = "INSERT INTO spool_state_counts (queue, state, n) VALUES (:queue, :state, :n)\n  ON CONFLICT (queue, state) DO UPDATE SET n = n + excluded.n";

/**
 * `queries/worker-delete-expired.sql`: Forgets workers whose heartbeat ttl passed.
 * Params: :now.
 */
export const WORKER_DELETE_EXPIRED = "DELETE FROM spool_workers WHERE expires_at < :now";

/**
 * `queries/worker-delete.sql`: Forgets one worker.
 * Params: :id.
 */
export const WORKER_DELETE = "DELETE FROM spool_workers WHERE id = :id";

/**
 * `queries/worker-list.sql`: Workers seen within their ttl.
 * Params: :now.
 * Returns: every column.
 */
export const WORKER_LIST = "SELECT * FROM spool_workers WHERE expires_at >= :now";

/**
 * `queries/worker-upsert.sql`: Records a worker heartbeat.
 * Params: :id, :host, :pid, :queues (JSON), :concurrency, :running (JSON), :started_at, :now, :expires_at.
 */
export const WORKER_UPSERT = "INSERT INTO spool_workers (id, host, pid, queues, concurrency, running, started_at, last_seen_at, expires_at)\nVALUES (:id, :host, :pid, :queues, :concurrency, :running, :started_at, :now, :expires_at)\nON CONFLICT (id) DO UPDATE SET\n  host = excluded.host, pid = excluded.pid, queues = excluded.queues, concurrency = excluded.concurrency,\n  running = excluded.running, started_at = excluded.started_at, last_seen_at = excluded.last_seen_at,\n  expires_at = excluded.expires_at";

/**
 * `queries/workflow-cancel-not-started.sql`: failFast: cancels every job of a workflow that has not started.
 * Params: :id (workflow), :now.
 * Returns: id, queue, has_dependents of each cancelled job.
 */
export const WORKFLOW_CANCEL_NOT_STARTED = "UPDATE spool_jobs SET\n  state = 'cancelled',\n  finished_at = :now,\n  updated_at = :now\nWHERE workflow_id = :id AND state IN ('waiting', 'scheduled', 'queued')\nRETURNING id, queue, has_dependents";

/**
 * `queries/workflow-counts.sql`: Jobs of one workflow per state.
 * Params: :id.
 * Returns: state, n.
 */
export const WORKFLOW_COUNTS = "SELECT state, count(*) AS n FROM spool_jobs WHERE workflow_id = :id GROUP BY state";

/**
 * `queries/workflow-delete.sql`: Deletes a moved-out workflow record (jobMoveDelete; its jobs have left this store).
 * Params: :id.
 */
export const WORKFLOW_DELETE = "DELETE FROM spool_workflows WHERE id = :id";

/**
 * `queries/workflow-deps-insert.sql`: Inserts the dependency edges of a workflow in one statement.
 * Params: :edges (JSON array of [parent_id, child_id]).
 */
export const WORKFLOW_DEPS_INSERT = "INSERT OR IGNORE INTO spool_job_deps (parent_id, child_id)\nSELECT e.value ->> 0, e.value ->> 1 FROM json_each(:edges) AS e";

/**
 * `queries/workflow-get.sql`: One workflow record.
 * Params: :id.
 * Returns: every column.
 */
export const WORKFLOW_GET = "SELECT * FROM spool_workflows WHERE id = :id";

/**
 * `queries/workflow-grow.sql`: Spawned children joined a running workflow: its job total grows.
 * Params: :id, :n.
 */
export const WORKFLOW_GROW = "UPDATE spool_workflows SET total = total + :n WHERE id = :id AND state = 'running'";

/**
 * `queries/workflow-import.sql`: Inserts a moved-in workflow record unless its id exists (jobImport).
 * Params: :id, :name, :policy, :state, :spec, :total, :counts (JSON or NULL), :created_at, :finished_at.
 */
export const WORKFLOW_IMPORT = "INSERT INTO spool_workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)\nVALUES (:id, :name, :policy, :state, :spec, :total, :counts, :created_at, :finished_at)\nON CONFLICT (id) DO NOTHING";

/**
 * `queries/workflow-insert.sql`: Inserts a workflow record (state 'running'). A duplicate id violates the primary key.
 * Params: :id, :name, :policy, :spec, :total, :now.
 */
export const WORKFLOW_INSERT = "INSERT INTO spool_workflows (id, name, policy, state, spec, total, counts, created_at, finished_at)\nVALUES (:id, :name, :policy, 'running', :spec, :total, NULL, :now, NULL)";

/**
 * `queries/workflow-list.sql`: A page of workflows, oldest first, past the cursor id.
 * Params: :after (id or NULL), :limit.
 * Returns: every column.
 */
export const WORKFLOW_LIST_ASC = "SELECT * FROM spool_workflows WHERE (:after IS NULL OR id > :after) ORDER BY id ASC LIMIT :limit";

/**
 * `queries/workflow-list.sql`: A page of workflows, newest first, past the cursor id.
 * Params: :after (id or NULL), :limit.
 * Returns: every column.
 */
export const WORKFLOW_LIST_DESC = "SELECT * FROM spool_workflows WHERE (:after IS NULL OR id < :after) ORDER BY id DESC LIMIT :limit";

/**
 * `queries/workflow-mark-parents.sql`: Flags the parents of a workflow batch as having dependents.
 * Params: :ids (JSON array of job ids).
 */
export const WORKFLOW_MARK_PARENTS = "UPDATE spool_jobs SET has_dependents = 1 WHERE id IN (SELECT value FROM json_each(:ids))";

/**
 * `queries/workflow-of-job.sql`: The running workflow a job belongs to, with its failure policy (no row: none).
 * Params: :id.
 * Returns: id, policy.
 */
export const WORKFLOW_OF_JOB = "SELECT w.id, w.policy FROM spool_jobs AS j JOIN spool_workflows AS w ON w.id = j.workflow_id\nWHERE j.id = :id AND w.state = 'running'";

/**
 * `queries/workflow-settle.sql`: Settles every running workflow whose jobs are all final: freezes its state, counts and
 * finish time, so retention may prune its jobs and the record still answers.
 * Params: :now.
 */
export const WORKFLOW_SETTLE = "UPDATE spool_workflows AS w SET\n  state = CASE\n    WHEN EXISTS (SELECT 1 FROM spool_jobs WHERE workflow_id = w.id AND state = 'failed') THEN 'failed'\n    WHEN EXISTS (SELECT 1 FROM spool_jobs WHERE workflow_id = w.id AND state = 'cancelled') THEN 'cancelled'\n    ELSE 'completed'\n  END,\n  counts = (\n    SELECT json_object(\n      'waiting', 0, 'scheduled', 0, 'queued', 0, 'running', 0,\n      'completed', coalesce(sum(state = 'completed'), 0),\n      'failed', coalesce(sum(state = 'failed'), 0),\n      'cancelled', coalesce(sum(state = 'cancelled'), 0))\n    FROM spool_jobs WHERE workflow_id = w.id\n  ),\n  finished_at = :now\nWHERE w.state = 'running'\n  AND NOT EXISTS (\n    SELECT 1 FROM spool_jobs\n    WHERE workflow_id = w.id AND state IN ('waiting', 'scheduled', 'queued', 'running')\n  )";

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
    sql: "-- 0001_init: the first schema. Times are epoch milliseconds (INTEGER); JSON columns are TEXT.\n\n-- One row per job. `lease_token` fences every transition of a running job; `has_dependents`\n-- lets completion skip spool_job_deps entirely for the (common) job nobody waits for.\nCREATE TABLE spool_jobs (\n  id                   TEXT    NOT NULL PRIMARY KEY,\n  task                 TEXT    NOT NULL,\n  queue                TEXT    NOT NULL,\n  state                TEXT    NOT NULL,\n  priority             INTEGER NOT NULL,\n  run_at               INTEGER NOT NULL,\n  attempt              INTEGER NOT NULL DEFAULT 0,\n  max_attempts         INTEGER NOT NULL,\n  input                TEXT    NOT NULL,\n  result               TEXT,\n  errors               TEXT    NOT NULL DEFAULT '[]',\n  progress             TEXT,\n  key                  TEXT,\n  meta                 TEXT    NOT NULL DEFAULT '{}',\n  depends_on           TEXT    NOT NULL DEFAULT '[]',\n  pending_dependencies INTEGER NOT NULL DEFAULT 0,\n  has_dependents       INTEGER NOT NULL DEFAULT 0,\n  lease_ms             INTEGER,\n  timeout_ms           INTEGER,\n  worker_id            TEXT,\n  lease_token          TEXT,\n  lease_expires_at     INTEGER,\n  created_at           INTEGER NOT NULL,\n  started_at           INTEGER,\n  finished_at          INTEGER,\n  updated_at           INTEGER NOT NULL\n);\n\n-- Indexes are partial, one per active state, so a transition touches only the indexes of the\n-- states it leaves and enters (no index over every row's state: that would cost two more b-tree\n-- writes per transition). Each also serves queueList's counts for its state.\n-- Claim order inside a queue: priority DESC, run_at, id (created_at: covering for queueList).\nCREATE INDEX spool_jobs_ready ON spool_jobs (queue, priority DESC, run_at, id, created_at) WHERE state = 'queued';\n-- Promotion of due jobs and nextRunAt.\nCREATE INDEX spool_jobs_due ON spool_jobs (queue, run_at) WHERE state = 'scheduled';\n-- Lease rescue.\nCREATE INDEX spool_jobs_leases ON spool_jobs (lease_expires_at, queue) WHERE state = 'running';\n-- Jobs waiting on dependencies.\nCREATE INDEX spool_jobs_waiting ON spool_jobs (queue) WHERE state = 'waiting';\n-- Retention (finished jobs by age, oldest first).\nCREATE INDEX spool_jobs_finished ON spool_jobs (state, finished_at, id) WHERE finished_at IS NOT NULL;\n-- Idempotency keys: unique per task among retained jobs.\nCREATE UNIQUE INDEX spool_jobs_key ON spool_jobs (task, key) WHERE key IS NOT NULL;\n\n-- Dependency edges: child waits for parent.\nCREATE TABLE spool_job_deps (\n  parent_id TEXT NOT NULL,\n  child_id  TEXT NOT NULL,\n  PRIMARY KEY (parent_id, child_id)\n) WITHOUT ROWID;\nCREATE INDEX spool_job_deps_child ON spool_job_deps (child_id);\n\n-- Queue flags. A queue without a row (or with paused = 0) runs.\nCREATE TABLE spool_queues (\n  name       TEXT    NOT NULL PRIMARY KEY,\n  paused     INTEGER NOT NULL DEFAULT 0,\n  updated_at INTEGER NOT NULL\n);\n\n-- Job log lines, capped per job by the writer.\nCREATE TABLE spool_job_logs (\n  seq     INTEGER PRIMARY KEY,\n  job_id  TEXT    NOT NULL,\n  attempt INTEGER NOT NULL,\n  at      INTEGER NOT NULL,\n  level   TEXT    NOT NULL,\n  message TEXT    NOT NULL\n);\nCREATE INDEX spool_job_logs_job ON spool_job_logs (job_id, seq);\n\n-- Worker heartbeats.\nCREATE TABLE spool_workers (\n  id           TEXT    NOT NULL PRIMARY KEY,\n  host         TEXT    NOT NULL,\n  pid          INTEGER NOT NULL,\n  queues       TEXT    NOT NULL,\n  concurrency  INTEGER NOT NULL,\n  running      TEXT    NOT NULL,\n  started_at   INTEGER NOT NULL,\n  last_seen_at INTEGER NOT NULL,\n  expires_at   INTEGER NOT NULL\n);\n\n-- The change feed: one row per committed batch, `events` the batch's BackendEvents (grouped, see\n-- change-feed.ts). No AUTOINCREMENT (it costs a sqlite_sequence write per commit): pruning\n-- always keeps the newest row, so max(seq) never goes back and a seq is never reused.\nCREATE TABLE spool_events (\n  seq    INTEGER PRIMARY KEY,\n  at     INTEGER NOT NULL,\n  events TEXT    NOT NULL\n);",
  },
  {
    version: 2,
    name: "schedules",
    sql: "-- 0002_schedules: persistent schedules. Backends store and compare-and-set; the scheduler\n-- (src/scheduler) computes fire times. `spec` is the scheduler's JSON definition, opaque here.\n-- `next_fire_at` is the compare-and-set target: a fire succeeds only if it still holds the fire\n-- time the scheduler saw, and the same transaction inserts the fire's job.\nCREATE TABLE spool_schedules (\n  name         TEXT    NOT NULL PRIMARY KEY,\n  spec         TEXT    NOT NULL,\n  trigger_key  TEXT    NOT NULL,\n  anchor_at    INTEGER NOT NULL,\n  next_fire_at INTEGER,\n  last_fire_at INTEGER,\n  last_job_id  TEXT,\n  runs         INTEGER NOT NULL DEFAULT 0,\n  paused       INTEGER NOT NULL DEFAULT 0,\n  created_at   INTEGER NOT NULL,\n  updated_at   INTEGER NOT NULL\n) WITHOUT ROWID;",
  },
  {
    version: 3,
    name: "workflows",
    sql: "-- 0003_workflows: workflow records and the workflow each job belongs to.\n\n-- The workflow of a job (NULL for plain jobs). The index serves counts per workflow, failFast\n-- (its not-started jobs) and retention's \"is this job's workflow still running\" check.\nALTER TABLE spool_jobs ADD COLUMN workflow_id TEXT;\nCREATE INDEX spool_jobs_workflow ON spool_jobs (workflow_id, state) WHERE workflow_id IS NOT NULL;\n\n-- One row per workflow. `state` stays 'running' until retention settles it (every job final):\n-- then `state`, `counts` (JSON StateCounts) and `finished_at` are frozen, so the record\n-- outlives its pruned jobs. While running, readers compute state and counts from the jobs.\nCREATE TABLE spool_workflows (\n  id          TEXT    NOT NULL PRIMARY KEY,\n  name        TEXT    NOT NULL,\n  policy      TEXT    NOT NULL,\n  state       TEXT    NOT NULL,\n  spec        TEXT    NOT NULL,\n  total       INTEGER NOT NULL,\n  counts      TEXT,\n  created_at  INTEGER NOT NULL,\n  finished_at INTEGER\n);\nCREATE INDEX spool_workflows_running ON spool_workflows (id) WHERE state = 'running';",
  },
  {
    version: 4,
    name: "audit",
    sql: "-- 0004_audit: the audit log of admin actions and the ids of dashboard sessions ended by a logout.\n\n-- One row per audited action. The id is a UUIDv7 (time order), so the primary key serves the\n-- newest-first listing; `at` serves pruning by age. The entry itself is JSON: only its order\n-- and age matter to the store.\nCREATE TABLE spool_audit (\n  id    TEXT    NOT NULL PRIMARY KEY,\n  at    INTEGER NOT NULL,\n  entry TEXT    NOT NULL\n) WITHOUT ROWID;\nCREATE INDEX spool_audit_at ON spool_audit (at);\n\n-- Sessions logged out before they expired. A row is useless past `expires_at` (the session's\n-- own signature refuses it then) and is pruned on the next revocation.\nCREATE TABLE spool_revoked_sessions (\n  id         TEXT    NOT NULL PRIMARY KEY,\n  expires_at INTEGER NOT NULL\n) WITHOUT ROWID;",
  },
  {
    version: 5,
    name: "search",
    sql: "-- 0005_search: text search over jobs (JobListParams.search). A contentless FTS5 index with the\n-- trigram tokenizer (case-insensitive substring match for searches of 3+ characters), kept off\n-- the hot path: writes only note which documents changed, and the backend indexes them a\n-- batch at a time (search.ts), so an enqueue costs one small insert instead of a trigram\n-- tokenization and an FTS segment write per transaction.\n--\n-- Each job has up to three documents, so completing or failing a job adds a small document\n-- instead of re-indexing the whole job (doc = job rowid * 4 + part):\n--   part 0: id, key and input (one per line)   part 1: the result   part 2: every error message\n-- A contentless index keeps no copy of the text; it forgets a document when told the text it\n-- indexed ('delete' with the old values), which the triggers compute from the old row. Until\n-- a document is indexed it is listed in spool_jobs_search_pending, and searches look at the\n-- jobs listed there directly; every hit is checked against the job row itself, so the index\n-- can only narrow a search, never invent a match.\n\nCREATE VIRTUAL TABLE spool_jobs_search USING fts5(body, content = '', tokenize = 'trigram');\n\nCREATE TABLE spool_jobs_search_pending (doc INTEGER PRIMARY KEY);\n\nCREATE TRIGGER spool_jobs_search_insert AFTER INSERT ON spool_jobs BEGIN\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4);\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) SELECT new.rowid * 4 + 1 WHERE new.result IS NOT NULL;\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) SELECT new.rowid * 4 + 2 WHERE new.errors <> '[]';\nEND;\n\nCREATE TRIGGER spool_jobs_search_input AFTER UPDATE OF key, input ON spool_jobs\nWHEN old.input IS NOT new.input OR old.key IS NOT new.key BEGIN\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4, old.id || char(10) || coalesce(old.key, '') || char(10) || old.input\n    WHERE NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4);\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4);\nEND;\n\nCREATE TRIGGER spool_jobs_search_result AFTER UPDATE OF result ON spool_jobs\nWHEN old.result IS NOT new.result BEGIN\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4 + 1, old.result\n    WHERE old.result IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 1);\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4 + 1);\nEND;\n\nCREATE TRIGGER spool_jobs_search_errors AFTER UPDATE OF errors ON spool_jobs\nWHEN old.errors IS NOT new.errors BEGIN\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4 + 2,\n      (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(old.errors) e)\n    WHERE old.errors <> '[]'\n      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 2);\n  INSERT OR IGNORE INTO spool_jobs_search_pending (doc) VALUES (new.rowid * 4 + 2);\nEND;\n\nCREATE TRIGGER spool_jobs_search_delete AFTER DELETE ON spool_jobs BEGIN\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4, old.id || char(10) || coalesce(old.key, '') || char(10) || old.input\n    WHERE NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4);\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4 + 1, old.result\n    WHERE old.result IS NOT NULL\n      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 1);\n  INSERT INTO spool_jobs_search (spool_jobs_search, rowid, body)\n    SELECT 'delete', old.rowid * 4 + 2,\n      (SELECT group_concat(json_extract(e.value, '$.message'), char(10)) FROM json_each(old.errors) e)\n    WHERE old.errors <> '[]'\n      AND NOT EXISTS (SELECT 1 FROM spool_jobs_search_pending WHERE doc = old.rowid * 4 + 2);\n  DELETE FROM spool_jobs_search_pending WHERE doc BETWEEN old.rowid * 4 AND old.rowid * 4 + 3;\nEND;\n\n-- Jobs written before this migration are indexed like new ones.\nINSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 FROM spool_jobs;\nINSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 + 1 FROM spool_jobs WHERE result IS NOT NULL;\nINSERT INTO spool_jobs_search_pending (doc) SELECT rowid * 4 + 2 FROM spool_jobs WHERE errors <> '[]';",
  },
  {
    version: 6,
    name: "flow",
    sql: "-- 0006_flow: flow-control limits per queue (docs/flow-control.md). A queue without a row has none.\n-- `rate_tat` is the GCRA theoretical arrival time of the rate limit (REAL: T = per / limit is\n-- fractional), moved on by each claim that starts jobs of the queue.\nCREATE TABLE spool_queue_limits (\n  name        TEXT    NOT NULL PRIMARY KEY,\n  concurrency INTEGER,\n  rate_limit  INTEGER,\n  rate_per_ms INTEGER,\n  rate_burst  INTEGER,\n  rate_tat    REAL,\n  updated_at  INTEGER NOT NULL\n) WITHOUT ROWID;",
  },
  {
    version: 7,
    name: "flow_holds",
    sql: "-- 0007_flow_holds: queues held by a handler's RateLimitedError (docs/flow-control.md): no claim\n-- starts a job of the queue before `until`. Expired rows are harmless and overwritten.\nCREATE TABLE spool_queue_holds (\n  name  TEXT    NOT NULL PRIMARY KEY,\n  until INTEGER NOT NULL\n) WITHOUT ROWID;",
  },
  {
    version: 9,
    name: "clock",
    sql: "-- 0009_clock: the store clock (see src/backend/store-clock.ts). Store time is the host's\n-- monotonic clock plus `offset_ms`; the first process of a boot sets the offset from its wall\n-- clock, every other process of that boot reads it, so all judge leases and due times on one\n-- clock that never steps. (Numbered 0009 so that parallel branches' 0005-0008 stay free.)\nCREATE TABLE spool_clock (\n  id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),\n  boot      TEXT    NOT NULL,\n  offset_ms REAL    NOT NULL\n);",
  },
  {
    version: 17,
    name: "finished_counts",
    sql: "-- 0017_finished_counts (numbered after issue 17, clear of the other branches' numbers): per-queue\n-- counts of finished jobs (completed, failed, cancelled), kept by triggers, so queueList answers in constant time however many finished jobs are retained\n-- (counting them scanned every finished row: ~0.5 s at 1M jobs). The active states keep being\n-- counted from their partial indexes (small: they hold only unfinished jobs). Only transitions\n-- into or out of a finished state, and deletes of finished jobs, touch this table.\n\nCREATE TABLE spool_finished_counts (\n  queue TEXT    NOT NULL,\n  state TEXT    NOT NULL,\n  n     INTEGER NOT NULL,\n  PRIMARY KEY (queue, state)\n) WITHOUT ROWID;\n\nINSERT INTO spool_finished_counts (queue, state, n)\n  SELECT queue, state, count(*) FROM spool_jobs\n  WHERE state IN ('completed', 'failed', 'cancelled')\n  GROUP BY queue, state;\n\nCREATE TRIGGER spool_finished_counts_insert AFTER INSERT ON spool_jobs\nWHEN new.state IN ('completed', 'failed', 'cancelled') BEGIN\n  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\n-- One statement per trigger and a cheap WHEN, so the common transitions (queued -> running,\n-- running -> queued, running -> completed) run no trigger body. Completions, the hot path, are\n-- counted by jobComplete (jobs.ts: one finished-counts-add.sql per queue and batch), so the\n-- enter trigger covers failed and cancelled only: every UPDATE that completes a job must add\n-- to the counter itself (job-complete.sql and job-complete-many.sql are the only ones).\nCREATE TRIGGER spool_finished_counts_enter AFTER UPDATE OF state ON spool_jobs\nWHEN old.state IS NOT new.state AND new.state IN ('failed', 'cancelled') BEGIN\n  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\nCREATE TRIGGER spool_finished_counts_leave AFTER UPDATE OF state ON spool_jobs\nWHEN old.state IS NOT new.state AND old.state IN ('completed', 'failed', 'cancelled') BEGIN\n  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\nEND;\n\nCREATE TRIGGER spool_finished_counts_move AFTER UPDATE OF queue ON spool_jobs\nWHEN old.queue IS NOT new.queue AND old.state = new.state AND new.state IN ('completed', 'failed', 'cancelled')\nBEGIN\n  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\n  INSERT INTO spool_finished_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\nCREATE TRIGGER spool_finished_counts_delete AFTER DELETE ON spool_jobs\nWHEN old.state IN ('completed', 'failed', 'cancelled') BEGIN\n  UPDATE spool_finished_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\nEND;",
  },
  {
    version: 20,
    name: "flow_keys",
    sql: "-- 0020_flow_keys: per-task and per-key limits (docs/flow-control.md, \"Task and key limits\").\n-- `flow_key` is the job's limit key ('' when its task's limits have no key; NULL when the task\n-- has none), `flow` its limits as JSON ({\"c\":[limit,keyed],\"r\":[limit,perMs,burst,keyed]}),\n-- both written at enqueue. Rate state and holds of task and key groups live in\n-- spool_flow_state and spool_queue_holds (a group name holds a 0x1f separator, a queue's can not).\nALTER TABLE spool_jobs ADD COLUMN flow_key TEXT;\nALTER TABLE spool_jobs ADD COLUMN flow TEXT;\n-- Running jobs per task and key (the cap's count inside the claim).\nCREATE INDEX spool_jobs_flow_running ON spool_jobs (task, flow_key) WHERE state = 'running' AND flow_key IS NOT NULL;\n-- Whether a queue has queued jobs with limits (the claim takes the fair path then).\nCREATE INDEX spool_jobs_flow_ready ON spool_jobs (queue) WHERE state = 'queued' AND flow_key IS NOT NULL;\nCREATE TABLE spool_flow_state (\n  grp TEXT NOT NULL PRIMARY KEY,\n  tat REAL NOT NULL\n) WITHOUT ROWID;",
  },
  {
    version: 21,
    name: "dedupe",
    sql: "-- 0021_dedupe: dedupe windows (docs/flow-control.md, src/backend/dedupe-rule.ts). Per (task,\n-- dedupe key), the job last created for the key and when (first_at, store ms). An enqueue with a\n-- dedupe reads and writes its row inside its own write transaction (SQLite has one writer), so\n-- concurrent enqueues of one key, from any process, see each other's rows in order. A row whose\n-- job is gone (removed, pruned) matches nothing and is overwritten by the next enqueue.\nCREATE TABLE spool_dedupe (\n  task     TEXT    NOT NULL,\n  key      TEXT    NOT NULL,\n  job_id   TEXT    NOT NULL,\n  first_at INTEGER NOT NULL,\n  PRIMARY KEY (task, key)\n) WITHOUT ROWID;",
  },
  {
    version: 22,
    name: "spawn",
    sql: "-- 0022_spawn (dynamic children, ctx.spawn): a job that spawned children waits on them with a\n-- policy for a child that fails or is cancelled ('fail': released at once; 'continue': counted\n-- like a completion) instead of being cancelled by the dependency cascade. NULL for every other\n-- job, so the column costs nothing on the hot paths (no index: read only by id).\nALTER TABLE spool_jobs ADD COLUMN spawn_policy TEXT;",
  },
  {
    version: 23,
    name: "state_index",
    sql: "-- Listing jobs in one state (the dashboard's and `spool jobs --state` default filter): a walk of\n-- this index in id order stops after one page, where a walk of all jobs in id order checked every\n-- job until the page filled (a rare state in a store of 1M jobs read the whole table).\n-- Used by job-list-state.sql.\nCREATE INDEX IF NOT EXISTS spool_jobs_state_id ON spool_jobs (state, id);",
  },
  {
    version: 24,
    name: "schedule_runs",
    sql: "-- 0024_schedule_runs (dash, issue 18): each schedule's recent fires for the dashboard's \"last\n-- runs\": a fire that enqueued a job, a manual run (fire_at NULL), or a skipped fire (job_id\n-- NULL, skipped = why). Written in the fire's own transaction; the fire that adds a row drops\n-- those beyond the last 20 of its schedule, so the table stays at 20 rows per schedule. `seq`\n-- counts per schedule (fires of one schedule are serialized by the write lock).\nCREATE TABLE spool_schedule_runs (\n  name    TEXT    NOT NULL,\n  seq     INTEGER NOT NULL,\n  at      INTEGER NOT NULL,\n  fire_at INTEGER,\n  job_id  TEXT,\n  skipped TEXT,\n  PRIMARY KEY (name, seq)\n) WITHOUT ROWID;\n\n-- A removed schedule takes its runs along (its jobs stay).\nCREATE TRIGGER spool_schedule_runs_removed AFTER DELETE ON spool_schedules BEGIN\n  DELETE FROM spool_schedule_runs WHERE name = old.name;\nEND;",
  },
  {
    version: 31,
    name: "follow_ups",
    sql: "-- 0031_follow_ups: durable follow-ups (docs/flow-control.md, src/backend/follow-ups.ts). A job\n-- created with `then` / `catch` keeps one row per outcome here (the FollowUpJob template as\n-- JSON) and is marked has_dependents, so the writes that record its outcome (complete, fail,\n-- rescue: they already look at has_dependents) take the row and insert the follow-up job in the\n-- same transaction. Rows go when the outcome takes them.\nCREATE TABLE spool_follow_ups (\n  parent_id TEXT NOT NULL,\n  outcome   TEXT NOT NULL,\n  job       TEXT NOT NULL,\n  PRIMARY KEY (parent_id, outcome)\n) WITHOUT ROWID;",
  },
  {
    version: 41,
    name: "dedupe_job",
    sql: "-- 0041_dedupe_job: removing a job (removal, retention, move) also deletes the dedupe row that\n-- records it (a row whose job is gone matches nothing, so it is only garbage), found by job id.\nCREATE INDEX spool_dedupe_job ON spool_dedupe (job_id);",
  },
  {
    version: 51,
    name: "flow_groups",
    sql: "-- 0051_flow_groups: the fair claim reads one group (task + limit key) at a time through an index,\n-- so a claim costs about the same with 100 or 100,000 queued jobs (docs/flow-control.md,\n-- \"Fairness between keys\"). Before, one window query numbered and sorted every queued job of\n-- the queue on every claim.\n-- Queued jobs with limits by group, each group in claim order. It replaces\n-- spool_jobs_flow_ready (same rows, so jobs with limits pay no extra index write; its (queue)\n-- prefix still answers whether a queue has queued jobs with limits).\nDROP INDEX IF EXISTS spool_jobs_flow_ready;\nCREATE INDEX spool_jobs_flow_groups ON spool_jobs (queue, task, flow_key, priority DESC, run_at, id)\n  WHERE state = 'queued' AND flow_key IS NOT NULL;\n-- Queued jobs without limits, in claim order: the fair claim serves them as one more group. Without\n-- it, finding the first job without limits in a queue full of jobs with limits walks them all.\nCREATE INDEX spool_jobs_plain_ready ON spool_jobs (queue, priority DESC, run_at, id)\n  WHERE state = 'queued' AND flow_key IS NULL;\n-- Where each queue's round-robin between groups goes on: the last group a claim served (task\n-- NULL: the group of jobs without limits). One row per queue that had a fair claim.\nCREATE TABLE spool_flow_cursor (\n  queue TEXT NOT NULL PRIMARY KEY,\n  task TEXT,\n  flow_key TEXT\n) WITHOUT ROWID;",
  },
  {
    version: 52,
    name: "flow_live",
    sql: "-- 0052_flow_live: the strategy at the cap (docs/flow-control.md, \"Strategy at the cap\") reads a\n-- cap group's live (queued or running) jobs, oldest first, inside the enqueue's transaction.\nCREATE INDEX spool_jobs_flow_live ON spool_jobs (task, flow_key, created_at, id)\n  WHERE state IN ('queued', 'running') AND flow_key IS NOT NULL;",
  },
  {
    version: 53,
    name: "list_indexes",
    sql: "-- Listing jobs by created time and by task over a big store (issue 17: reads flat to 1M jobs).\n-- Both columns are set once, at insert, so each index costs one b-tree write per job created\n-- (and per job deleted), none per state change.\n--\n-- (created_at, id): a created-time range finds its jobs here (read index-only, capped) and\n-- bounds the id walk of job-list-span.sql to the smallest and largest id among them, where the\n-- walk in id order used to read every newer job before the first one in the range.\nCREATE INDEX IF NOT EXISTS spool_jobs_created ON spool_jobs (created_at, id);\n-- (task, id): a task filter walks its task's jobs in id order (job-list-task.sql) and stops\n-- after one page, where the walk of every job read all the other tasks' jobs too.\nCREATE INDEX IF NOT EXISTS spool_jobs_task_id ON spool_jobs (task, id);",
  },
  {
    version: 90,
    name: "queue_list_index",
    sql: "-- (queue, id): a queue filter walks its queue's jobs in id order (job-list-queue.sql) and stops\n-- after one page. The walk of every job in id order (job-list.sql) read every newer job of the\n-- other queues first: a dashboard listing a quiet queue beside a busy one read the busy one's\n-- whole backlog (60 ms behind 200,000 newer jobs, and growing with them). The queue is set once,\n-- at insert, so the index costs one b-tree write per job created or deleted, none per state change.\nCREATE INDEX IF NOT EXISTS spool_jobs_queue_id ON spool_jobs (queue, id);",
  },
  {
    version: 92,
    name: "state_counts",
    sql: "-- 0092_state_counts: per-queue counts of every state, not only the finished ones, so queueList\n-- answers in constant time however long the backlog. The live states were counted from their\n-- partial indexes: 90 ms for a queue of 1,000,000 queued jobs, growing with it (PostgreSQL made\n-- the same move in its 0091).\n--\n-- SQLite has only row triggers, and the hot transitions would each run a trigger body per job:\n-- one per insert, two per claim, one per completion, measured at the store (30,000 jobs, five\n-- alternating runs) as 8% of bulk enqueue and 6% of claim + complete. So those three are counted\n-- by their callers, once per queue and state and statement (counts.ts, state-counts-add.sql),\n-- which costs nothing measurable. The three:\n--   * an insert in a live state: every INSERT into spool_jobs (job-insert-rows.sql,\n--     move-insert.sql) is followed by the caller's count (counts.ts);\n--   * a claim (queued -> running, starting an attempt): job-claim.sql, job-claim-tasks.sql,\n--     flow-claim.sql; the caller counts the rows each returns;\n--   * a completion (running -> completed): job-complete.sql and job-complete-many.sql, as since\n--     0017.\n-- The triggers below count every other, rarer transition (a job moved by spool move is running\n-- without a new attempt, so its trigger counts it). An INSERT, claim or completion written\n-- anywhere else must count itself: the conformance suite on SQLite checks the counts against\n-- count(*) after each of its tests (test/conformance/sqlite.test.ts).\n\nALTER TABLE spool_finished_counts RENAME TO spool_state_counts;\n\nDROP TRIGGER spool_finished_counts_insert;\nDROP TRIGGER spool_finished_counts_enter;\nDROP TRIGGER spool_finished_counts_leave;\nDROP TRIGGER spool_finished_counts_move;\nDROP TRIGGER spool_finished_counts_delete;\n\nINSERT INTO spool_state_counts (queue, state, n)\n  SELECT queue, state, count(*) FROM spool_jobs\n  WHERE state IN ('waiting', 'scheduled', 'queued', 'running')\n  GROUP BY queue, state;\n\nCREATE TRIGGER spool_state_counts_insert AFTER INSERT ON spool_jobs\nWHEN new.state IN ('completed', 'failed', 'cancelled') BEGIN\n  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\n-- A trigger's WHEN costs little; its body is what is dear, and neither body runs for a claim or\n-- a completion.\nCREATE TRIGGER spool_state_counts_enter AFTER UPDATE OF state ON spool_jobs\nWHEN old.state IS NOT new.state AND new.state <> 'completed'\n  AND NOT (old.state = 'queued' AND new.state = 'running' AND new.attempt > old.attempt) BEGIN\n  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\nCREATE TRIGGER spool_state_counts_leave AFTER UPDATE OF state ON spool_jobs\nWHEN old.state IS NOT new.state AND NOT (old.state = 'running' AND new.state = 'completed')\n  AND NOT (old.state = 'queued' AND new.state = 'running' AND new.attempt > old.attempt) BEGIN\n  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\nEND;\n\n-- A change of queue and state in one UPDATE is counted by leave (old queue) and enter (new queue).\nCREATE TRIGGER spool_state_counts_move AFTER UPDATE OF queue ON spool_jobs\nWHEN old.queue IS NOT new.queue AND old.state = new.state BEGIN\n  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\n  INSERT INTO spool_state_counts (queue, state, n) VALUES (new.queue, new.state, 1)\n    ON CONFLICT (queue, state) DO UPDATE SET n = n + 1;\nEND;\n\nCREATE TRIGGER spool_state_counts_delete AFTER DELETE ON spool_jobs BEGIN\n  UPDATE spool_state_counts SET n = n - 1 WHERE queue = old.queue AND state = old.state;\nEND;",
  },
];
