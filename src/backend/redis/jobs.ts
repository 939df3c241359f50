/** Redis backend, jobs section: enqueue, claim, complete, fail, release (one script call each). */
import { newLeaseToken } from "../../core/ids.js";
import type { JobState, LeasedJob } from "../../core/types.js";
import type {
  JobClaimParams,
  JobClaimResult,
  JobCompleteParams,
  JobEnqueueParams,
  JobEnqueueResult,
  JobFailParams,
  JobFailResult,
  JobReleaseParams,
  NewJob,
  TransitionResult,
} from "../backend.js";
import { checkClaimLimit, checkNewJobs, claimOrder, refuseTx } from "../shared.js";
import { shiftRunAt } from "../store-clock.js";
import { checkReply } from "./codes.js";
import { pushJobArgs } from "./job-args.js";
import { decodePushed } from "./push.js";
import { leased } from "./records.js";
import { type RedisStore, split } from "./store.js";

/** Scheduled jobs promoted per queue per claim call (bounds one script's run time). */
export const PROMOTE_MAX = 1_000;

/** enqueue.lua's per-job state codes. */
const STATE_BY_INITIAL: Readonly<Record<string, JobState>> = {
  q: "queued",
  s: "scheduled",
  w: "waiting",
  c: "cancelled",
};

/**
 * Group-committed (enqueue-group.ts): concurrent calls share one script call, and each gets
 * its own answer.
 */
export async function jobEnqueue(s: RedisStore, { jobs, tx }: JobEnqueueParams): Promise<JobEnqueueResult> {
  refuseTx(tx, "Redis");
  checkNewJobs(jobs);
  if (jobs.length === 0) return { jobs: [] };
  s.assertOpen();
  // runAt comes in the caller's frame: the store judges it on its own clock.
  const { now, skew } = s.time();
  return { jobs: await s.enqueues.submit(shiftRunAt(jobs, skew), now) };
}

/**
 * One enqueue.lua call (at most ENQUEUE_JOBS_MAX jobs, runAt already in the store's frame):
 * every job written, or a refusal (spool error) with nothing written.
 */
export async function enqueueScript(
  s: RedisStore,
  chunk: readonly NewJob[],
  now: number,
): Promise<JobEnqueueResult["jobs"]> {
  const out: JobEnqueueResult["jobs"] = [];
  const args: (string | number)[] = [now, chunk.length];
  // Each job in the one layout of job-args.ts.
  let prev: NewJob | null = null;
  for (const job of chunk) {
    pushJobArgs(args, job, prev);
    prev = job;
  }
  const reply = await s.run("enqueue", args, true);
  // One state initial per job; "x" = an idempotency key matched, "u" = a dedupe window did, id
  // and state in the extras; "D" = the drop-newest strategy dropped it (nothing written).
  const codes = reply[1] as string;
  let extra = 2;
  for (let k = 0; k < chunk.length; k++) {
    const code = codes[k];
    if (code === "x" || code === "u") {
      const ref = { id: reply[extra] as string, state: reply[extra + 1] as JobState, created: false };
      out.push(code === "u" ? { ...ref, deduplicated: true } : ref);
      extra += 2;
    } else if (code === "D") {
      out.push({ id: chunk[k]!.id, state: "cancelled", created: false, dropped: true });
    } else {
      out.push({ id: chunk[k]!.id, state: STATE_BY_INITIAL[code!]!, created: true });
    }
  }
  return out;
}

export async function jobClaim(s: RedisStore, params: JobClaimParams): Promise<JobClaimResult> {
  checkClaimLimit(params.limit);
  const token = newLeaseToken();
  const { now, skew } = s.time();
  const args: (string | number)[] = [
    now,
    params.limit,
    params.workerId,
    params.leaseMs,
    token,
    PROMOTE_MAX,
    params.park ? Math.max(1, Math.ceil(params.park.ttlMs)) : 0,
    params.unpark ? "1" : "0",
    params.park?.slots ?? "",
    params.tasks ? JSON.stringify(params.tasks) : "",
  ];
  for (const q of params.queues) args.push(q);
  const raw = await s.runRaw("claim", args);
  const reply = checkReply("claim", typeof raw === "string" ? JSON.parse(raw) : raw);
  // Jobs pushed before this claim unparked the worker come first: they were ready earlier.
  const pushed = reply[3];
  const jobs: LeasedJob[] = Array.isArray(pushed)
    ? pushed.flatMap((entry) => decodePushed(entry as string, params.workerId, skew))
    : [];
  const claimedFrom = jobs.length;
  for (let i = 4; i < reply.length; i += 4) {
    jobs.push(
      leased(reply[i] as string, reply[i + 1] as string[], {
        token,
        workerId: params.workerId,
        at: now,
        attempt: Number(reply[i + 2]),
        // Handed back in the caller's frame: it times its renewals on its own clock.
        leaseExpiresAt: Number(reply[i + 3]) - skew,
      }),
    );
  }
  if (jobs.length - claimedFrom > 1) {
    const claimed = jobs.splice(claimedFrom);
    claimed.sort(claimOrder);
    jobs.push(...claimed);
  }
  const next = reply[1];
  return {
    jobs,
    nextRunAt: next === null || next === undefined || next === false ? null : Number(next) - skew,
    ...((Number(reply[2]) & 1) === 1 ? { parked: true } : {}),
    ...((Number(reply[2]) & 2) === 2 ? { limited: true } : {}),
  };
}

export async function jobComplete(s: RedisStore, { jobs, tx }: JobCompleteParams): Promise<TransitionResult> {
  refuseTx(tx, "Redis", "complete a job");
  if (jobs.length === 0) return { ok: [], refused: [] };
  const args: (string | number)[] = [s.time().now];
  for (const j of jobs) args.push(j.id, j.token, j.result);
  // The script names only the refused jobs, by position (usually none): the rest completed.
  const reply = await s.run("complete", args);
  const n = Number(reply[1]);
  if (n === 0) return { ok: jobs.map((j) => j.id), refused: [] };
  const refusedAt = new Set<number>();
  for (let i = 2; i < 2 + n; i++) refusedAt.add(Number(reply[i]) - 1);
  const ok: string[] = [];
  const refused: string[] = [];
  for (const [i, j] of jobs.entries()) (refusedAt.has(i) ? refused : ok).push(j.id);
  return { ok, refused };
}

export async function jobFail(s: RedisStore, { jobs }: JobFailParams): Promise<JobFailResult> {
  const result: JobFailResult = { retried: [], failed: [], refused: [] };
  if (jobs.length === 0) return result;
  const { now, skew } = s.time();
  const args: (string | number)[] = [now];
  for (const j of jobs)
    args.push(j.id, j.token, JSON.stringify(j.error), j.retryAt === null ? "" : j.retryAt + skew);
  const reply = await s.run("fail", args);
  for (let i = 1; i < reply.length; i += 2) {
    const id = reply[i + 1] as string;
    const kind = reply[i];
    (kind === "r" ? result.retried : kind === "f" ? result.failed : result.refused).push(id);
  }
  return result;
}

export async function jobRelease(s: RedisStore, { leases }: JobReleaseParams): Promise<TransitionResult> {
  if (leases.length === 0) return { ok: [], refused: [] };
  const args: (string | number)[] = [s.time().now];
  for (const l of leases) args.push(l.id, l.token);
  return split(await s.run("release", args));
}
