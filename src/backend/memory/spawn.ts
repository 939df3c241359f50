/**
 * Memory backend, `jobSpawn` (see seam/jobs.ts): synchronous between two awaits, so atomic.
 */
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { BackendEvent, JobSpawnParams, JobSpawnResult } from "../backend.js";
import { checkSpawn } from "../spawn-shared.js";
import { decideMembers } from "./cap-members.js";
import { enqueueNow } from "./jobs.js";
import type { MemoryStore } from "./store.js";

export async function jobSpawn(s: MemoryStore, params: JobSpawnParams): Promise<JobSpawnResult> {
  checkSpawn(params);
  const parent = s.leased(params.id, params.token);
  if (!parent) return { ok: false, state: null };
  for (const child of params.children)
    if (s.jobs.has(child.id)) throw new InvalidArgumentError(`job id ${child.id} already exists`, "id");
  const now = s.clock.now();
  // Cannot throw past here: ids are free and every dependency is an earlier child.
  enqueueNow(s, params.children, now);
  const ids = params.children.map((c) => c.id);
  s.workflows.extend(parent.id, ids);
  for (const id of ids) {
    let set = s.dependents.get(id);
    if (!set) s.dependents.set(id, (set = new Set()));
    set.add(parent.id);
  }
  s.running.delete(parent.id);
  parent.dependsOn.push(...ids);
  parent.pendingDependencies = ids.length;
  parent.spawnPolicy = params.policy;
  parent.meta = { ...params.meta };
  parent.state = "waiting";
  parent.attempt = Math.max(0, parent.attempt - 1);
  parent.leaseToken = null;
  parent.leaseExpiresAt = null;
  parent.updatedAt = now;
  const events: BackendEvent[] = [s.event("job:released", parent, now, { spawned: ids.length })];
  s.emit(events);
  // The strategy at the cap, once the children are wired to the parent (cap-members.ts).
  decideMembers(s, params.children, now);
  return { ok: true, state: parent.state };
}
