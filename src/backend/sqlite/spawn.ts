/**
 * SQLite backend, `jobSpawn` (see seam/jobs.ts): one BEGIN IMMEDIATE transaction. The fenced
 * parent update goes first, so a stale lease token writes nothing; the children are then
 * inserted in bulk (the same statements as a workflow: rows, edges, parents' flags), each with
 * an edge to the parent, and join the parent's workflow if it has one. A taken child id aborts
 * the whole transaction (the parent stays running).
 */
import { InvalidArgumentError } from "../../core/errors/index.js";
import type { JobSpawnParams, JobSpawnResult } from "../backend.js";
import { stateAtInsert } from "../shared.js";
import { checkSpawn } from "../spawn-shared.js";
import { atCapOf, decideMembers } from "./at-cap.js";
import { countInserted } from "./counts.js";
import { jobRow } from "./rows.js";
import { jobEvent, type SqliteStore } from "./store.js";

export async function jobSpawn(s: SqliteStore, params: JobSpawnParams): Promise<JobSpawnResult> {
  checkSpawn(params);
  const { id, token, children, policy, meta } = params;
  const { now } = s.time();
  const rows: unknown[] = [];
  const edges: [string, string][] = [];
  const flagged = new Set<string>();
  const states = children.map((child) => {
    const deps = [...new Set(child.dependsOn)];
    const state = stateAtInsert(false, deps.length, child.runAt, now);
    for (const dep of deps) {
      edges.push([dep, child.id]);
      flagged.add(dep);
    }
    edges.push([child.id, id]);
    flagged.add(child.id);
    rows.push(jobRow(child, state, deps, deps.length));
    return state;
  });
  const metaJson = JSON.stringify(meta);
  try {
    return await s.write("spawn", now, (events) => {
      const parent = s.sql.jobSpawnParent.get({ id, token });
      if (!parent) return { ok: false, state: null };
      const dependsOn = [...(JSON.parse(parent.depends_on) as string[]), ...children.map((c) => c.id)];
      const waited = s.sql.jobSpawnWait.get({
        id,
        token,
        now,
        depends_on: JSON.stringify(dependsOn),
        pending: children.length,
        policy,
        meta: metaJson,
      });
      if (!waited) return { ok: false, state: null };
      s.sql.jobInsertRows.run({ now, workflow_id: parent.workflow_id, jobs: JSON.stringify(rows) });
      countInserted(
        s.sql,
        children.map((child, i) => ({ queue: child.queue, state: states[i]! })),
      );
      s.sql.depsInsertEdges.run({ edges: JSON.stringify(edges) });
      s.sql.markParents.run({ ids: JSON.stringify([...flagged]) });
      if (parent.workflow_id !== null) s.sql.workflowGrow.run({ id: parent.workflow_id, n: children.length });
      children.forEach((child, i) => {
        events.push(jobEvent("job:enqueued", child.id, child.queue, now, states[i]!));
      });
      events.push(jobEvent("job:released", id, waited.queue, now, "waiting", { spawned: children.length }));
      // The strategy at the cap, once the children are wired to the parent (at-cap.ts).
      decideMembers(atCapOf(s, now), children, (i) => states[i] === "queued", events);
      return { ok: true, state: "waiting" as const };
    });
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "SQLITE_CONSTRAINT_PRIMARYKEY")
      throw new InvalidArgumentError("a spawned child's id already exists", "id");
    throw error;
  }
}
