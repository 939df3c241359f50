/**
 * What one transition does to other jobs, inside its transaction: dependents released when
 * their last parent completes, dependents cancelled when a parent fails or is cancelled, a
 * failFast workflow's not-started jobs cancelled when one of its jobs fails, and the removal of
 * a job with its logs and edges.
 */
import type { JobState } from "../../core/types.js";
import { failFastReason } from "../workflow-shared.js";
import { jobEvent } from "./rows.js";
import type { Statements } from "./statements.js";
import type { Tx } from "./store.js";

/** Every waiting child of the completed `parentIds` has one dependency fewer per parent. */
export async function releaseDependents(
  sql: Statements,
  tx: Tx,
  parentIds: readonly string[],
): Promise<void> {
  if (parentIds.length === 0) return;
  const rows = await tx.q<{ id: string; queue: string; state: JobState }>(sql.DEPS_RELEASE, {
    parent_ids: parentIds,
    now: tx.now,
  });
  for (const child of rows) {
    if (child.state === "waiting") continue;
    tx.events.push(jobEvent("job:enqueued", child.id, child.queue, tx.now, child.state, { released: true }));
  }
}

/**
 * Cancels every not-yet-final, not-running job downstream of `rootId`, except spawn waiters
 * (their policy applies, see seam/jobs.ts SpawnPolicy).
 */
export async function cancelDependents(
  sql: Statements,
  tx: Tx,
  rootId: string,
  reason: string,
  into?: string[],
): Promise<void> {
  const stack = await children(sql, tx, rootId);
  while (stack.length > 0) {
    const id = stack.pop()!;
    const [row] = await tx.q<{ queue: string; has_dependents: boolean }>(sql.JOB_CANCEL_DEPENDENT, {
      id,
      now: tx.now,
    });
    if (!row) {
      // A spawn waiter is not cancelled by its child's end: its policy applies.
      const [w] = await tx.q<{ queue: string; state: JobState }>(sql.JOB_SPAWN_SETTLE, { id, now: tx.now });
      if (w && w.state !== "waiting")
        tx.events.push(jobEvent("job:enqueued", id, w.queue, tx.now, w.state, { released: true }));
      continue;
    }
    tx.events.push(jobEvent("job:cancelled", id, row.queue, tx.now, "cancelled", { reason }));
    into?.push(id);
    if (row.has_dependents) stack.push(...(await children(sql, tx, id)));
  }
}

async function children(sql: Statements, tx: Tx, parentId: string): Promise<string[]> {
  const rows = await tx.q<{ child_id: string }>(sql.DEPS_CHILDREN, { parent_id: parentId });
  return rows.map((r) => r.child_id);
}

/** A job ended failed: its dependents are cancelled, and a failFast workflow stops. */
export async function onJobFailed(
  sql: Statements,
  tx: Tx,
  id: string,
  hasDependents: boolean,
): Promise<void> {
  if (hasDependents) await cancelDependents(sql, tx, id, `dependency ${id} failed`);
  const [wf] = await tx.q<{ id: string; policy: string }>(sql.WORKFLOW_OF_JOB, { id });
  if (wf?.policy !== "failFast") return;
  const reason = failFastReason(id);
  const rows = await tx.q<{ id: string; queue: string; has_dependents: boolean }>(
    sql.WORKFLOW_CANCEL_NOT_STARTED,
    { id: wf.id, now: tx.now },
  );
  for (const row of rows) {
    tx.events.push(jobEvent("job:cancelled", row.id, row.queue, tx.now, "cancelled", { reason }));
    if (row.has_dependents) await cancelDependents(sql, tx, row.id, `dependency ${row.id} was cancelled`);
  }
}

/** Deletes a job that is not running, with its logs and dependency edges. */
export async function removeOne(
  sql: Statements,
  tx: Tx,
  id: string,
): Promise<{ queue: string; state: JobState } | undefined> {
  const [row] = await tx.q<{
    queue: string;
    state: JobState;
    has_dependents: boolean;
    has_dependencies: boolean;
  }>(sql.JOB_DELETE, { id });
  if (!row) return undefined;
  await tx.q(sql.JOB_LOGS_DELETE, { job_id: id });
  if (row.has_dependents || row.has_dependencies) await tx.q(sql.DEPS_DELETE, { id });
  return row;
}

/**
 * Cancels one job that is not final (a running one loses its lease), its dependents, and a
 * spawn waiter's unfinished children. False: already final or missing.
 */
export async function cancelTree(
  sql: Statements,
  tx: Tx,
  id: string,
  why: string,
  cancelled: string[],
): Promise<boolean> {
  const [row] = await tx.q<{
    queue: string;
    has_dependents: boolean;
    spawn_policy: string | null;
    depends_on: string[];
  }>(sql.JOB_CANCEL, { id, now: tx.now });
  if (!row) return false;
  tx.events.push(jobEvent("job:cancelled", id, row.queue, tx.now, "cancelled", { reason: why }));
  cancelled.push(id);
  if (row.has_dependents) await cancelDependents(sql, tx, id, `dependency ${id} was cancelled`, cancelled);
  if (row.spawn_policy !== null)
    for (const child of row.depends_on)
      await cancelTree(sql, tx, child, `parent ${id} was cancelled`, cancelled);
  return true;
}
