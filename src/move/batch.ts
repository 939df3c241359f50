/**
 * Building and taking one move batch. A batch is made of whole groups: a job alone, a job with
 * the not-finished jobs it is linked to by dependencies (parents and children, found through
 * `jobMoveTake`'s `needs`), or a whole workflow (every job its record lists: the not-started
 * ones are taken, the finished ones copied, so results a child will read travel with it). A group
 * with a running job stays in the source entirely: a child there waits for a parent that runs
 * there, and a workflow is counted and failed-fast in one store.
 */
import type { Backend, WorkflowRecord } from "../backend/backend.js";
import { MOVE_BATCH_MAX } from "../backend/backend.js";
import type { JobRecord } from "../core/types.js";
import { FINAL_STATES } from "../core/types.js";

/** Why a group stays in the source. */
export type BlockReason =
  | "workflow has running jobs"
  | "linked to a running job"
  | "started or finished meanwhile"
  | "group too large";

export interface BatchOutcome {
  /** Jobs now held by the mover in the source. */
  taken: JobRecord[];
  /** Finished workflow jobs to copy with them. */
  copies: JobRecord[];
  workflows: WorkflowRecord[];
  /** Jobs left in the source, by reason (ids of the candidates and their groups). */
  blocked: Map<BlockReason, Set<string>>;
}

const NOT_STARTED = new Set(["waiting", "scheduled", "queued"]);
/** Rounds of "take; add what it needs or drop what blocks" before giving up on the rest. */
const TAKE_ROUNDS_MAX = 20;
const READ_CHUNK = 1_000;

export function workflowOf(job: Pick<JobRecord, "meta">): string | null {
  const wf = job.meta.workflow as { id?: unknown } | undefined;
  return wf && typeof wf === "object" && typeof wf.id === "string" ? wf.id : null;
}

/** The job ids a workflow record lists (`spec.jobs`, see src/workflow/compile.ts), or null. */
function specJobs(record: WorkflowRecord): string[] | null {
  try {
    const spec = JSON.parse(record.spec) as { jobs?: unknown };
    return Array.isArray(spec.jobs) && spec.jobs.every((j) => typeof j === "string") ? spec.jobs : null;
  } catch {
    return null;
  }
}

export async function readMany(backend: Backend, ids: readonly string[]): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let i = 0; i < ids.length; i += READ_CHUNK)
    out.push(...(await backend.jobGetMany({ ids: ids.slice(i, i + READ_CHUNK) })));
  return out;
}

/** Union-find over job ids: one root per group, and the groups that stay behind (by root). */
class Groups {
  private readonly up = new Map<string, string>();
  readonly blocked = new Map<string, BlockReason>();
  find(id: string): string {
    let root = id;
    while (this.up.has(root) && this.up.get(root) !== root) root = this.up.get(root)!;
    if (!this.up.has(id)) this.up.set(id, id);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.up.set(rb, ra);
    // A group that joins a blocked one is blocked, and the other way round.
    const reason = this.blocked.get(ra) ?? this.blocked.get(rb);
    if (reason !== undefined) this.blocked.set(ra, reason);
  }
  block(id: string, reason: BlockReason): void {
    const root = this.find(id);
    if (!this.blocked.has(root)) this.blocked.set(root, reason);
  }
  isBlocked(id: string): boolean {
    return this.blocked.has(this.find(id));
  }
}

export async function takeBatch(
  source: Backend,
  candidates: readonly JobRecord[],
  mover: { workerId: string; token: string },
): Promise<BatchOutcome> {
  const groups = new Groups();
  const toTake = new Map<string, JobRecord>();
  const copies = new Map<string, JobRecord>();
  const workflows = new Map<string, { record: WorkflowRecord; anchor: string }>();
  const expanded = new Set<string>();
  const block = (id: string, reason: BlockReason) => groups.block(id, reason);
  const add = async (job: JobRecord) => {
    groups.find(job.id);
    toTake.set(job.id, job);
    const wf = workflowOf(job);
    if (wf === null || expanded.has(wf)) {
      if (wf !== null) groups.union(workflows.get(wf)?.anchor ?? job.id, job.id);
      return;
    }
    expanded.add(wf);
    const record = await source.workflowGet({ id: wf });
    if (!record) return;
    workflows.set(wf, { record, anchor: job.id });
    const ids = specJobs(record) ?? [job.id];
    for (const member of await readMany(source, ids)) {
      groups.union(job.id, member.id);
      if (NOT_STARTED.has(member.state)) toTake.set(member.id, member);
      else if (FINAL_STATES.has(member.state)) copies.set(member.id, member);
      else block(job.id, "workflow has running jobs");
    }
  };
  for (const job of candidates) if (NOT_STARTED.has(job.state)) await add(job);

  for (let round = 0; round < TAKE_ROUNDS_MAX; round++) {
    const live = (id: string) => !groups.isBlocked(id);
    // Groups over the size one atomic take allows stay behind.
    const sizes = new Map<string, number>();
    for (const id of [...toTake.keys(), ...copies.keys()]) {
      const root = groups.find(id);
      sizes.set(root, (sizes.get(root) ?? 0) + 1);
    }
    for (const [root, n] of sizes) if (n > MOVE_BATCH_MAX) block(root, "group too large");
    // Whole groups, in candidate order, until the batch is full; the rest waits for a later page.
    const ids: string[] = [];
    let size = 0;
    const chosen = new Set<string>();
    for (const id of toTake.keys()) {
      const root = groups.find(id);
      if (!live(id) || chosen.has(root)) continue;
      const n = sizes.get(root)!;
      if (size + n > MOVE_BATCH_MAX) continue;
      chosen.add(root);
      size += n;
    }
    for (const id of toTake.keys()) if (chosen.has(groups.find(id))) ids.push(id);
    if (ids.length === 0) break;
    const out = await source.jobMoveTake({ ids, workerId: mover.workerId, token: mover.token });
    if (out.taken.length > 0) {
      const inBatch = (id: string) => chosen.has(groups.find(id));
      return {
        taken: out.taken,
        copies: [...copies.values()].filter((j) => inBatch(j.id)),
        workflows: [...workflows.values()].filter((w) => inBatch(w.anchor)).map((w) => w.record),
        blocked: blockedSets(groups, [...toTake.keys(), ...copies.keys()]),
      };
    }
    for (const id of out.blocked) block(id, "started or finished meanwhile");
    const relatives = await readMany(source, [...new Set(out.needs.map((n) => n.id))]);
    const byId = new Map(relatives.map((r) => [r.id, r]));
    for (const need of out.needs) {
      const rel = byId.get(need.id);
      if (rel && NOT_STARTED.has(rel.state)) {
        if (!toTake.has(rel.id)) await add(rel);
        groups.union(need.of, need.id);
      } else block(need.of, "linked to a running job");
    }
  }
  return {
    taken: [],
    copies: [],
    workflows: [],
    blocked: blockedSets(groups, [...toTake.keys(), ...copies.keys()]),
  };
}

function blockedSets(groups: Groups, ids: readonly string[]) {
  const out = new Map<BlockReason, Set<string>>();
  for (const id of ids) {
    const reason = groups.blocked.get(groups.find(id));
    if (reason === undefined) continue;
    let set = out.get(reason);
    if (!set) out.set(reason, (set = new Set()));
    set.add(id);
  }
  return out;
}
