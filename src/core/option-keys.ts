/**
 * Refuses option objects with keys spool does not know (issue 12, bug 9). TypeScript users
 * get a compile error for a misspelled or imagined option; JavaScript users used to get
 * silence, and believed e.g. a `rateLimit` held. Each option set lists its keys once here.
 */
import { InvalidArgumentError } from "./errors/index.js";

export const TASK_OPTION_KEYS: ReadonlySet<string> = new Set([
  "name",
  "schema",
  "run",
  "queue",
  "retry",
  "timeout",
  "lease",
  "priority",
  "isolate",
  "batch",
  "concurrency",
  "rateLimit",
  "dedupe",
  "onSuccess",
  "onFailure",
  "__output",
]);

export const ENQUEUE_OPTION_KEYS: ReadonlySet<string> = new Set([
  "delay",
  "runAt",
  "priority",
  "key",
  "queue",
  "attempts",
  "timeout",
  "lease",
  "meta",
  "dedupe",
  "then",
  "catch",
  "dependsOn",
  "tx",
  "limitKey",
]);

export const ENQUEUE_MANY_OPTION_KEYS: ReadonlySet<string> = new Set(["tx"]);

export const WORKER_OPTION_KEYS: ReadonlySet<string> = new Set([
  "queues",
  "concurrency",
  "lease",
  "shutdownGrace",
  "pollInterval",
  "rescueInterval",
  "prefetch",
  "retention",
  "isolate",
  "isolation",
]);

/** Throws `InvalidArgumentError` naming the first key of `options` not in `known`. */
export function checkOptionKeys(
  options: object | null | undefined,
  known: ReadonlySet<string>,
  where: string,
): void {
  if (options === null || options === undefined) return;
  if (typeof options !== "object") {
    throw new InvalidArgumentError(`${where} options must be an object, got ${typeof options}`, "options");
  }
  for (const key in options) {
    if (!known.has(key)) {
      throw new InvalidArgumentError(
        `unknown option "${key}" for ${where}; known options: ${[...known].filter((k) => !k.startsWith("__")).join(", ")}`,
        key,
      );
    }
  }
}
