/** A queue's flow-control limits in one short phrase: "concurrency 8, rate 50/1s + burst 10". */
import type { QueueLimits } from "../../backend/backend.js";

const UNITS: ReadonlyArray<[string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/** A window as it is written on the command line: 1s, 5m, 1500ms (so the output can be pasted back). */
export function formatWindow(ms: number): string {
  for (const [unit, size] of UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function formatLimits(limits: QueueLimits, none = "no limits"): string {
  const parts: string[] = [];
  if (limits.concurrency !== null) parts.push(`concurrency ${limits.concurrency}`);
  const rate = limits.rateLimit;
  if (rate !== null)
    parts.push(
      `rate ${rate.limit}/${formatWindow(rate.perMs)}${rate.burst > 0 ? ` + burst ${rate.burst}` : ""}`,
    );
  return parts.length > 0 ? parts.join(", ") : none;
}
