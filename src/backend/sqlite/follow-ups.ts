/**
 * Durable follow-ups on SQLite (../follow-ups.ts): templates are stored by `insertEach` (one row
 * per outcome, the parent marked has_dependents: insert.ts `storeFollowUps`), and `takeFollowUp` runs inside the write that
 * records the parent's outcome, which is fenced by its lease token: the follow-up job is inserted
 * in that same transaction, once.
 */
import type { FollowUpJob, FollowUpOutcome } from "../../core/follow-ups.js";
import type { BackendEvent } from "../backend.js";
import { followUpJob, MADE_ROW, madeLink } from "../follow-ups.js";
import { type InsertStatements, insertEach } from "./insert.js";
import type { SqliteStore } from "./store.js";

type FollowUpStatements = InsertStatements & Pick<SqliteStore["sql"], "followUpTake">;

/**
 * Inside the outcome's transaction (call only for a job marked has_dependents): removes the
 * job's templates and inserts the one for `outcome` with `payload` (the result, or the last error
 * record as JSON) as a piped input.
 */
export function takeFollowUp(
  sql: FollowUpStatements,
  parentId: string,
  outcome: FollowUpOutcome,
  payload: string,
  now: number,
  events: BackendEvent[],
): void {
  const rows = sql.followUpTake.all({ parent_id: parentId });
  const row = rows.find((r) => r.outcome === outcome);
  if (!row) return;
  const tpl = JSON.parse(row.job) as FollowUpJob;
  const job = followUpJob(tpl, payload, now);
  // Its id was chosen at enqueue; it can exist only if someone enqueued that id by hand.
  if (sql.jobState.get({ id: job.id })) return;
  insertEach(sql, [job], now, events);
  // The parent's link to it (jobFollowUps), which the take above leaves in place.
  sql.followUpInsert.run({ parent_id: parentId, outcome: MADE_ROW, job: madeLink(tpl, outcome) });
}
