/**
 * Job metadata is shared by the user and by spool: spool writes a few keys of its own into
 * `meta` and reads some of them back (a job whose `meta.workflow` is set runs as a workflow
 * node). Those keys are reserved: metadata given by the user (enqueue options, schedule and
 * workflow templates) that uses one is refused with `InvalidArgumentError` before anything is
 * written, instead of being misread later (issue 12, bug 6: a plain job with `meta.workflow`
 * failed with a TypeError in the worker).
 *
 * `traceparent` / `tracestate` are not reserved: they are the W3C trace context, and setting
 * them is the documented way to make a job's run join a trace of the caller's choosing (spool
 * sets them from the active span only when absent; a malformed value is ignored).
 */
import { InvalidArgumentError } from "./errors/index.js";

/** Keys spool writes into `meta` and the places that write them. */
export const RESERVED_META_KEYS: Readonly<Record<string, string>> = {
  workflow: "the workflow node description (src/workflow/compile.ts)",
  schedule: "the schedule that fired the job (src/scheduler)",
  fireAt: "the fire time of a scheduled job (src/scheduler)",
  manual: "a schedule's manual run (src/scheduler)",
  missed: "fire times a schedule missed (src/scheduler/misfire.ts)",
  catchUp: "a schedule's catch-up fire (src/scheduler/misfire.ts)",
  truncated: "a schedule's truncated catch-up (src/scheduler/misfire.ts)",
  parent: "the job whose outcome made a follow-up (src/enqueue/follow-ups.ts)",
};

/** Refuses user metadata that uses a key spool reserves for itself. */
export function checkUserMeta(meta: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(meta)) {
    if (Object.hasOwn(RESERVED_META_KEYS, key)) {
      throw new InvalidArgumentError(
        `meta key "${key}" is reserved for spool's own use (${RESERVED_META_KEYS[key]}); ` +
          `reserved keys: ${Object.keys(RESERVED_META_KEYS).join(", ")}`,
        "meta",
      );
    }
  }
}
