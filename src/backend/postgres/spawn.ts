/**
 * PostgreSQL backend, `jobSpawn` (see seam/jobs.ts): one transaction. The fenced parent update
 * goes first (a stale token writes nothing); the children are then inserted in one statement
 * (the workflow insert), with their edges to the parent, and join its workflow if it has one.
 * A taken child id aborts the whole transaction (the parent stays running).
 */
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { JobState } from "../../core/types.js";
import type { JobSpawnParams, JobSpawnResult } from "../backend.js";
import { checkSpawn } from "../spawn-shared.js";
import { decideMembers, lockForStrategy } from "./cap-members.js";
import { isUniqueViolation } from "./connection.js";
import { columns } from "./jobs.js";
import { jobEvent } from "./rows.js";
import type { PgStore } from "./store.js";

export async function jobSpawn(store: PgStore, params: JobSpawnParams): Promise<JobSpawnResult> {
  checkSpawn(params);
  const { id, token, children, policy, meta } = params;
  const sql = store.sql;
  try {
    return await store.write("spawn", async (tx) => {
      await lockForStrategy(sql, tx, children);
      const ids = children.map((c) => c.id);
      const [parent] = await tx.q<{ queue: string; workflow_id: string | null }>(sql.JOB_SPAWN_WAIT, {
        id,
        token,
        now: tx.now,
        children: ids,
        policy,
        meta: JSON.stringify(meta),
      });
      if (!parent) return { ok: false, state: null };
      const parents: string[] = [];
      const kids: string[] = [];
      const states: JobState[] = [];
      const deps: string[] = [];
      const pending: number[] = [];
      for (const child of children) {
        // Every dependency is an earlier child of this spawn, so none has completed yet.
        const own = [...new Set(child.dependsOn)];
        for (const dep of own) {
          parents.push(dep);
          kids.push(child.id);
        }
        parents.push(child.id);
        kids.push(id);
        states.push(own.length > 0 ? "waiting" : child.runAt > tx.now ? "scheduled" : "queued");
        deps.push(JSON.stringify(own));
        pending.push(own.length);
      }
      await tx.q(sql.WORKFLOW_JOBS_INSERT, {
        now: tx.now,
        workflow_id: parent.workflow_id,
        ...columns(children),
        states,
        depends_on: deps,
        pending,
      });
      await tx.q(sql.DEPS_INSERT, { parents, children: kids });
      await tx.q(sql.WORKFLOW_MARK_PARENTS, { ids: [...new Set(parents)] });
      if (parent.workflow_id !== null)
        await tx.q(sql.WORKFLOW_GROW, { id: parent.workflow_id, n: ids.length });
      children.forEach((child, i) => {
        tx.events.push(jobEvent("job:enqueued", child.id, child.queue, tx.now, states[i]!));
      });
      tx.events.push(jobEvent("job:released", id, parent.queue, tx.now, "waiting", { spawned: ids.length }));
      // The strategy at the cap, once the children are wired to the parent (cap-members.ts).
      await decideMembers(sql, tx, children, (i) => states[i] === "queued");
      return { ok: true, state: "waiting" as const };
    });
  } catch (error) {
    if (isUniqueViolation((error as { cause?: unknown }).cause))
      throw new InvalidArgumentError("a spawned child's id already exists", "id");
    throw error;
  }
}
