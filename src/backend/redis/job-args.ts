/**
 * The one Redis wire layout of a new job, written here and read by one Lua decoder
 * (scripts/includes/job-args.lua, `readJob`), for every script that inserts jobs: enqueue,
 * workflow-enqueue and schedule-fire.
 *
 * Per job: id, task ("" = the previous job's), queue ("" = the previous job's), input,
 * priority, runAt, maxAttempts, then either "" (no key, meta, lease, timeout or dependencies:
 * the common case, 8 arguments) or "+", key ("" = none, else "=" + key), meta JSON ("" = {}),
 * leaseMs ("" = null), timeoutMs ("" = null), limit key ("" = no limits, else "=" + key, or
 * "C" / "D" + key when the cap's strategy is cancel-in-progress / drop-newest: cap-strategy.ts),
 * limits JSON (flow-gate.ts `encodeFlow`, "" = none), dependency count D, the D dependency ids.
 * A job with a dedupe window or durable follow-ups uses "*" instead of "+", and 6 more
 * arguments follow its dependency ids: the dedupe mode's initial (t, d, r; "" = no dedupe), the
 * dedupe key, windowMs ("" = none), maxWaitMs ("" = none), then the `then` and the `catch`
 * follow-up as JSON ("" = none; `followUpArg`).
 */
import type { FollowUpJob } from "../../core/follow-ups.js";
import type { CapStrategy, NewJob } from "../backend.js";
import { decodeFlow, encodeFlow } from "../flow-gate.js";

/** The limit key's first character: the strategy at the cap (read by includes/job-args.lua). */
const STRATEGY_SIGIL: Record<CapStrategy, string> = {
  queue: "=",
  "cancel-in-progress": "C",
  "drop-newest": "D",
};

/**
 * A follow-up template as includes/follow-up.lua reads it: the FollowUpJob's fields, its limits
 * as `fk` (limit key) and `fl` (flow-gate.ts `encodeFlow`), the form the job hash keeps.
 */
export function followUpArg(tpl: FollowUpJob | undefined): string {
  if (!tpl) return "";
  const { flow, ...rest } = tpl;
  return JSON.stringify(flow ? { ...rest, fk: flow.key, fl: encodeFlow(flow) } : rest);
}

/** A template as the job hash keeps it (`fut` / `fuc`, written by `followUpArg`), read back. */
export function followUpFromHash(text: string): FollowUpJob {
  const { fk, fl, ...rest } = JSON.parse(text) as Omit<FollowUpJob, "flow"> & { fk?: string; fl?: string };
  return { ...rest, flow: typeof fk === "string" && typeof fl === "string" ? decodeFlow(fk, fl) : null };
}

/** Appends `job` to `args`; `prev` is the job written just before it in the same call (or null). */
export function pushJobArgs(args: (string | number)[], job: NewJob, prev: NewJob | null): void {
  args.push(
    job.id,
    prev !== null && job.task === prev.task ? "" : job.task,
    prev !== null && job.queue === prev.queue ? "" : job.queue,
    job.input,
    job.priority,
    job.runAt,
    job.maxAttempts,
  );
  let meta = "";
  for (const _ in job.meta) {
    meta = JSON.stringify(job.meta);
    break;
  }
  if (
    job.key === null &&
    meta === "" &&
    job.leaseMs === null &&
    job.timeoutMs === null &&
    job.dependsOn.length === 0 &&
    !job.flow &&
    !job.dedupe &&
    !job.followUps
  ) {
    args.push("");
    return;
  }
  args.push(
    job.dedupe || job.followUps ? "*" : "+",
    job.key === null ? "" : `=${job.key}`,
    meta,
    job.leaseMs ?? "",
    job.timeoutMs ?? "",
    job.flow ? `${STRATEGY_SIGIL[job.flow.concurrency?.strategy ?? "queue"]}${job.flow.key}` : "",
    job.flow ? encodeFlow(job.flow) : "",
    job.dependsOn.length,
  );
  for (const dep of job.dependsOn) args.push(dep);
  const d = job.dedupe;
  const f = job.followUps;
  if (!d && !f) return;
  if (d) args.push(d.mode[0]!, d.key, d.windowMs ?? "", d.maxWaitMs ?? "");
  else args.push("", "", "", "");
  args.push(followUpArg(f?.completed), followUpArg(f?.failed));
}
