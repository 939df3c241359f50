/**
 * Enqueue on PostgreSQL: the bulk path (one statement per batch) and the per-job path (keys,
 * dedupe, dependencies, the strategy at the cap), plus the row helpers the other write paths
 * share. The claim is in claim.ts, the outcomes in outcomes.ts.
 */
import { InvalidArgumentError, NotFoundError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type { EnqueuedRef, JobEnqueueParams, JobEnqueueResult, NewJob } from "../backend.js";
import { activeStrategy, capVerdict, refuseStrategyInTx, supersededReason } from "../cap-strategy.js";
import { encodeFlow } from "../flow-gate.js";
import { checkNewJobs, stateAtInsert } from "../shared.js";
import { cancelTree } from "./cascade.js";
import { isUniqueViolation } from "./connection.js";
import { matchDedupe, recordDedupe } from "./dedupe.js";
import { NOTIFY_INLINE_MAX } from "./feed.js";
import { storeFollowUps } from "./follow-ups.js";
import { jobEvent } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

export class PgJobs {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async enqueue({ jobs, tx: appTx }: JobEnqueueParams): Promise<JobEnqueueResult> {
    checkNewJobs(jobs);
    if (jobs.length === 0) return { jobs: [] };
    // Jobs with task or key limits carry flow columns, and jobs with follow-ups rows of their
    // own, that only the per-job insert writes.
    const simple = jobs.every(
      (j) => j.key === null && j.dependsOn.length === 0 && !j.dedupe && !j.flow && !j.followUps,
    );
    const body = (tx: Tx) => (simple ? this.insertSimple(tx, jobs, null) : this.insertEach(tx, jobs));
    // In the application's transaction a failed statement aborts it: the app rolls back.
    if (appTx !== undefined) {
      refuseStrategyInTx(jobs);
      return this.store.writeIn(appTx, "enqueue", body);
    }
    try {
      // The common case, jobs without keys or dependencies: one statement, one round trip.
      if (simple) return await this.insertFast(jobs);
      return await this.store.write("enqueue", body);
    } catch (error) {
      if (!isUniqueViolation((error as { cause?: unknown }).cause, "jobs_pkey")) throw error;
      // Rolled back; name the first id that already exists.
      const rows = await this.store.read((q) =>
        q<{ id: string }>(this.sql.JOB_STATES, { ids: jobs.map((j) => j.id) }),
      );
      const taken = new Set(rows.map((r) => r.id));
      throw alreadyExists(jobs.find((j) => taken.has(j.id))?.id ?? jobs[0]!.id);
    }
  }

  /** Bulk path: no keys, no dependencies: one INSERT … SELECT FROM unnest(…) for the batch. */
  async insertSimple(tx: Tx, jobs: readonly NewJob[], workflowId: string | null): Promise<JobEnqueueResult> {
    const out: EnqueuedRef[] = [];
    const states: JobState[] = [];
    for (const job of jobs) {
      const state: JobState = job.runAt > tx.now ? "scheduled" : "queued";
      states.push(state);
      out.push({ id: job.id, state, created: true });
    }
    await tx.q(this.sql.JOB_INSERT_MANY, {
      now: tx.now,
      workflow_id: workflowId,
      ...columns(jobs),
      states,
    });
    jobs.forEach((job, i) => {
      tx.events.push(jobEvent("job:enqueued", job.id, job.queue, tx.now, states[i]!));
    });
    return { jobs: out };
  }

  /**
   * insertSimple as ONE statement outside any transaction of ours (job-enqueue-fast.sql). An
   * isolated small batch carries its own notification (store.inlineNotify).
   */
  private async insertFast(jobs: readonly NewJob[]): Promise<JobEnqueueResult> {
    const inline =
      jobs.length <= INLINE_NOTIFY_JOBS_MAX && fitsInline(jobs) ? this.store.inlineNotify() : null;
    try {
      const rows = await this.store.single<{
        id: string;
        queue: string;
        state: JobState;
        now: number;
        stored: number | null;
      }>(
        "enqueue",
        this.sql.JOB_ENQUEUE_FAST,
        { ...columns(jobs), channel: inline?.channel ?? null, origin: inline?.origin ?? null },
        (rows, now) => rows.map((r) => jobEvent("job:enqueued", r.id, r.queue, now, r.state)),
        inline !== null,
      );
      return { jobs: rows.map((r) => ({ id: r.id, state: r.state, created: true })) };
    } finally {
      inline?.release();
    }
  }

  /** Jobs with keys or dependencies, one by one in batch order (as on SQLite). */
  async insertEach(tx: Tx, jobs: readonly NewJob[]): Promise<JobEnqueueResult> {
    const sql = this.sql;
    const { now } = tx;
    const out: EnqueuedRef[] = [];
    // Ids of this batch seen so far: a job may depend on jobs *earlier* in the batch.
    const earlier = new Set<string>();
    const batchKeys = new Map<string, { id: string; state: JobState }>();
    // A job deduplicated by its key stands for the existing job in later jobs' dependsOn.
    const alias = new Map<string, string>();
    // The strategy at the cap reads and cancels a group's jobs: it takes the fair claims' lock
    // first (flow-lock.sql), so no claim moves those jobs meanwhile and two such enqueues take
    // turns (each counts what the previous one committed).
    if (jobs.some((j) => j.flow?.concurrency?.strategy && j.flow.concurrency.strategy !== "queue"))
      await tx.q(sql.FLOW_LOCK);
    for (const job of jobs) {
      const outside = job.dependsOn.filter((d) => !earlier.has(d));
      if (outside.length > 0) {
        const found = new Set(
          (await tx.q<{ id: string }>(sql.JOB_STATES, { ids: outside })).map((r) => r.id),
        );
        for (const dep of outside) if (!found.has(dep)) throw new NotFoundError("job", dep);
      }
      earlier.add(job.id);
      if (job.key !== null) {
        const k = `${job.task}\0${job.key}`;
        const existing = batchKeys.get(k) ?? (await this.byKey(tx, job));
        if (existing) {
          out.push(await this.dedupe(tx, job, existing, alias));
          continue;
        }
      }
      const deduped = job.dedupe ? await matchDedupe(sql, tx, job) : null;
      if (deduped) {
        alias.set(job.id, deduped.id);
        out.push(deduped);
        continue;
      }
      let deps: string[] = [];
      let pending = 0;
      let doomed = false;
      if (job.dependsOn.length > 0) {
        deps = [...new Set(job.dependsOn.map((d) => alias.get(d) ?? d))];
        // Locks the parents: a parent completing meanwhile either committed first (seen as
        // completed here) or waits for this transaction and then finds the new edge.
        const parents = await tx.q<{ id: string; state: JobState }>(sql.JOB_LOCK_PARENTS, { ids: deps });
        const stateOf = new Map(parents.map((p) => [p.id, p.state]));
        for (const dep of deps) {
          const state = stateOf.get(dep);
          if (state === undefined) throw new NotFoundError("job", dep);
          if (state !== "completed") pending++;
          if (state === "failed" || state === "cancelled") doomed = true;
        }
      }
      const state = stateAtInsert(doomed, pending, job.runAt, now);
      if (await this.atCap(tx, job, state, out)) continue;
      const inserted = await tx.q<{ id: string }>(sql.JOB_INSERT, {
        id: job.id,
        task: job.task,
        queue: job.queue,
        state,
        priority: job.priority,
        run_at: ms(job.runAt),
        max_attempts: job.maxAttempts,
        input: job.input,
        key: job.key,
        meta: JSON.stringify(job.meta ?? {}),
        depends_on: deps,
        pending_dependencies: pending,
        lease_ms: msOrNull(job.leaseMs),
        timeout_ms: msOrNull(job.timeoutMs),
        now,
        finished_at: doomed ? now : null,
        flow_key: job.flow ? job.flow.key : null,
        flow: job.flow ? encodeFlow(job.flow) : null,
      });
      if (inserted.length === 0) {
        // Another transaction took the key after our look-up (ON CONFLICT waited for it).
        const existing = await this.byKey(tx, job);
        if (!existing) throw new InvalidArgumentError(`idempotency key of job ${job.id} is contended`, "key");
        out.push(await this.dedupe(tx, job, existing, alias));
        continue;
      }
      if (job.dedupe) await recordDedupe(sql, tx, job);
      await storeFollowUps(sql, tx, job);
      if (deps.length > 0) await tx.q(sql.DEPS_INSERT, { parents: deps, children: deps.map(() => job.id) });
      if (job.key !== null) batchKeys.set(`${job.task}\0${job.key}`, { id: job.id, state });
      out.push({ id: job.id, state, created: true });
      tx.events.push(jobEvent("job:enqueued", job.id, job.queue, now, state));
    }
    return { jobs: out };
  }

  /** The strategy at the cap (cap-strategy.ts): true when the job is dropped (pushed to `out`). */
  private async atCap(tx: Tx, job: NewJob, state: JobState, out: EnqueuedRef[]): Promise<boolean> {
    const strategy = activeStrategy(job, state === "queued");
    if (!strategy) return false;
    const c = job.flow!.concurrency!;
    const live = await tx.q<{ id: string }>(this.sql.FLOW_LIVE, {
      task: job.task,
      key: c.keyed ? job.flow!.key : null,
    });
    const verdict = capVerdict(strategy, c.limit, live);
    if (verdict.kind === "drop") {
      if ((await tx.q(this.sql.JOB_STATES, { ids: [job.id] })).length > 0) throw alreadyExists(job.id);
      out.push({ id: job.id, state: "cancelled", created: false, dropped: true });
      return true;
    }
    for (const id of verdict.cancel) await cancelTree(this.sql, tx, id, supersededReason(job.id), []);
    return false;
  }

  private async byKey(tx: Tx, job: NewJob): Promise<{ id: string; state: JobState } | undefined> {
    const [row] = await tx.q<{ id: string; state: JobState }>(this.sql.JOB_BY_KEY, {
      task: job.task,
      key: job.key,
    });
    return row;
  }

  private async dedupe(
    tx: Tx,
    job: NewJob,
    existing: { id: string; state: JobState },
    alias: Map<string, string>,
  ): Promise<EnqueuedRef> {
    if (existing.id !== job.id && (await tx.q(this.sql.JOB_STATES, { ids: [job.id] })).length > 0)
      throw alreadyExists(job.id);
    alias.set(job.id, existing.id);
    return { id: existing.id, state: existing.state, created: false };
  }
}

/** Batches up to this size may notify inside their own statement (store.inlineNotify). */
const INLINE_NOTIFY_JOBS_MAX = 8;

/**
 * Whether the statement's own notification surely fits a NOTIFY payload: each job is one group
 * of about 60 bytes plus its id and queue, which JSON may escape to 6 bytes a character.
 */
function fitsInline(jobs: readonly NewJob[]): boolean {
  let bytes = 64;
  for (const j of jobs) bytes += 80 + 6 * (j.id.length + j.queue.length);
  return bytes <= NOTIFY_INLINE_MAX;
}

/** The column arrays of JOB_INSERT_MANY (states apart). */
export function columns(jobs: readonly NewJob[]) {
  return {
    ids: jobs.map((j) => j.id),
    tasks: jobs.map((j) => j.task),
    queues: jobs.map((j) => j.queue),
    priorities: jobs.map((j) => j.priority),
    run_ats: jobs.map((j) => ms(j.runAt)),
    max_attempts: jobs.map((j) => j.maxAttempts),
    inputs: jobs.map((j) => j.input),
    metas: jobs.map((j) => JSON.stringify(j.meta ?? {})),
    lease_ms: jobs.map((j) => msOrNull(j.leaseMs)),
    timeout_ms: jobs.map((j) => msOrNull(j.timeoutMs)),
    flow_keys: jobs.map((j) => (j.flow ? j.flow.key : null)),
    flows: jobs.map((j) => (j.flow ? encodeFlow(j.flow) : null)),
  };
}

export function alreadyExists(id: string): InvalidArgumentError {
  return new InvalidArgumentError(`job id ${id} already exists`, "id");
}

/** Instants and durations are whole milliseconds in bigint columns (a fraction is rounded up). */
export function ms(value: number): number {
  return Math.ceil(value);
}

export function msOrNull(value: number | null): number | null {
  return value === null ? null : Math.ceil(value);
}
