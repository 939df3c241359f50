/** `spool.queues.limit`: user options (durations, option keys) to the backend's `QueueLimitParams`. */
import type { QueueLimitParams } from "../backend/backend.js";
import { checkQueueLimitParams } from "../backend/flow-limits.js";
import { toMs } from "../core/duration.js";
import { InvalidArgumentError } from "../core/errors/index.js";
import type { QueueLimitOptions } from "../core/flow.js";
import { checkOptionKeys } from "../core/option-keys.js";
import { checkName } from "../core/registry.js";

const LIMIT_KEYS: ReadonlySet<string> = new Set(["concurrency", "rateLimit"]);
const RATE_KEYS: ReadonlySet<string> = new Set(["limit", "per", "burst"]);

/** Checks everything before the store is called, so a bad limit writes nothing. */
export function queueLimitParams(queue: string, options: QueueLimitOptions): QueueLimitParams {
  if (typeof options !== "object" || options === null)
    throw new InvalidArgumentError("queue limits must be an object", "options");
  checkOptionKeys(options, LIMIT_KEYS, "queues.limit()");
  const params: QueueLimitParams = { queue: checkName(queue, "queue") };
  if (options.concurrency !== undefined) params.concurrency = options.concurrency;
  const rate = options.rateLimit;
  if (rate === null) params.rateLimit = null;
  else if (rate !== undefined) {
    if (typeof rate !== "object") throw new InvalidArgumentError("rateLimit must be an object", "rateLimit");
    checkOptionKeys(rate, RATE_KEYS, "rateLimit");
    if (rate.per === undefined) throw new InvalidArgumentError("rateLimit.per is required", "rateLimit.per");
    params.rateLimit = { limit: rate.limit, perMs: toMs(rate.per, "rateLimit.per"), burst: rate.burst ?? 0 };
  }
  return checkQueueLimitParams(params);
}
