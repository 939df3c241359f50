/**
 * Job hashes to `JobRecord`s. A job is one hash, `<prefix>job:<id>`, holding only the fields
 * that are set: an absent field is null (or the default: attempt 0, errors [], meta {},
 * dependsOn [], pendingDependencies 0), so an enqueue writes ~10 fields, not 25.
 *
 * | field          | JobRecord              | field          | JobRecord            |
 * |----------------|------------------------|----------------|----------------------|
 * | task, queue    | same                   | key            | key                  |
 * | state          | state                  | meta           | meta (JSON)          |
 * | priority       | priority               | dependsOn      | dependsOn (JSON)     |
 * | runAt          | runAt                  | pending        | pendingDependencies  |
 * | attempt        | attempt                | leaseMs        | leaseMs              |
 * | maxAttempts    | maxAttempts            | timeoutMs      | timeoutMs            |
 * | input, result  | same (serialized)      | workerId       | workerId             |
 * | errors         | errors (JSON array)    | leaseExpiresAt | leaseExpiresAt       |
 * | pp, pm         | progress.percent/msg   | createdAt …    | createdAt, startedAt,|
 * | token          | (the lease token)      |                | finishedAt, updatedAt|
| kids           | (has dependents)       |                |                      |

token and leaseExpiresAt stay in the hash after a job stops running (saving an HDEL on every
transition) and are read as null unless the state is `running`.
 */
import type { JobRecord, JobState, LeasedJob } from "../../core/types.js";

/** Hash fields that are not JobRecord fields, collected while decoding one hash. */
const side: { token: string | null; pm: string | null } = { token: null, pm: null };

function blank(id: string): JobRecord {
  return {
    id,
    task: "",
    queue: "",
    state: "queued",
    priority: 0,
    runAt: 0,
    attempt: 0,
    maxAttempts: 1,
    input: "",
    result: null,
    errors: [],
    progress: null,
    key: null,
    meta: {},
    dependsOn: [],
    pendingDependencies: 0,
    leaseMs: null,
    timeoutMs: null,
    workerId: null,
    leaseExpiresAt: null,
    createdAt: 0,
    startedAt: null,
    finishedAt: null,
    updatedAt: 0,
  };
}

function apply(rec: JobRecord, field: string, value: string): void {
  switch (field) {
    case "task":
      rec.task = value;
      break;
    case "queue":
      rec.queue = value;
      break;
    case "state":
      rec.state = value as JobState;
      break;
    case "priority":
      rec.priority = Number(value);
      break;
    case "runAt":
      rec.runAt = Number(value);
      break;
    case "attempt":
      rec.attempt = Number(value);
      break;
    case "maxAttempts":
      rec.maxAttempts = Number(value);
      break;
    case "input":
      rec.input = value;
      break;
    case "result":
      rec.result = value;
      break;
    case "errors":
      rec.errors = JSON.parse(value);
      break;
    case "pp":
      rec.progress = { percent: Number(value) };
      break;
    case "pm":
      side.pm = value;
      break;
    case "key":
      rec.key = value;
      break;
    case "meta":
      rec.meta = JSON.parse(value);
      break;
    case "dependsOn":
      rec.dependsOn = JSON.parse(value);
      break;
    case "pending":
      rec.pendingDependencies = Number(value);
      break;
    case "leaseMs":
      rec.leaseMs = Number(value);
      break;
    case "timeoutMs":
      rec.timeoutMs = Number(value);
      break;
    case "workerId":
      rec.workerId = value;
      break;
    case "leaseExpiresAt":
      rec.leaseExpiresAt = Number(value);
      break;
    case "createdAt":
      rec.createdAt = Number(value);
      break;
    case "startedAt":
      rec.startedAt = Number(value);
      break;
    case "finishedAt":
      rec.finishedAt = Number(value);
      break;
    case "updatedAt":
      rec.updatedAt = Number(value);
      break;
    case "token":
      side.token = value;
      break;
    case "fk":
      rec.limitKey = value;
      break;
    // "fl", "fm" (limits, flow-keys.lua) and "kids" (has dependents) is internal.
  }
}

function finish(record: JobRecord): { record: JobRecord; token: string | null } {
  const { token, pm } = side;
  side.token = side.pm = null;
  if (record.progress && pm !== null) record.progress.message = pm;
  // Lease fields are left in the hash when a job stops running (one HDEL less per transition);
  // they only mean something while it runs.
  if (record.state !== "running") record.leaseExpiresAt = null;
  // The two hottest writes leave updatedAt out (one field less per job): enqueue.lua (the
  // job was last updated when created) and the claim (last updated when it started). Every
  // other transition writes it, so the latest of the three is the last change.
  record.updatedAt = Math.max(record.updatedAt, record.createdAt, record.startedAt ?? 0);
  return { record, token: record.state === "running" ? token : null };
}

/** From the flat `[field, value, …]` array HGETALL returns inside a script. */
export function decodeFlat(id: string, flat: readonly string[]): { record: JobRecord; token: string | null } {
  const rec = blank(id);
  side.token = side.pm = null;
  for (let i = 0; i < flat.length; i += 2) apply(rec, flat[i]!, flat[i + 1]!);
  return finish(rec);
}

/** From the object ioredis makes of an HGETALL reply; null when the hash does not exist. */
export function decodeObject(id: string, hash: Record<string, string>): JobRecord | null {
  const rec = blank(id);
  side.token = side.pm = null;
  let any = false;
  for (const field in hash) {
    any = true;
    apply(rec, field, hash[field]!);
  }
  return any ? finish(rec).record : null;
}

/** What a claim (claim.lua, or a push in push.lua) wrote over the fields it read. */
export interface ClaimWrite {
  token: string;
  workerId: string;
  /** When it was claimed (startedAt). */
  at: number;
  attempt: number;
  leaseExpiresAt: number;
}

/** A claimed job from its pre-claim fields (the scripts' HGETALL) and what the claim wrote. */
export function leased(id: string, flat: readonly string[], claim: ClaimWrite): LeasedJob {
  const job = decodeFlat(id, flat).record as LeasedJob;
  job.state = "running";
  job.attempt = claim.attempt;
  job.leaseToken = claim.token;
  job.leaseExpiresAt = claim.leaseExpiresAt;
  job.workerId = claim.workerId;
  job.startedAt = claim.at;
  job.updatedAt = claim.at;
  return job;
}
