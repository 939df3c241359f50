/**
 * Building `queueList`'s answer, the same on every backend: one QueueInfo per queue any read
 * names (pause flag, limits, counts, oldest queued job), made empty at its first mention, then
 * listed by name. The SQL stores read the same four row sets and fold them with `queueInfosFromRows`.
 */
import type { JobState } from "../core/types.js";
import { type LimitsRow, limitsFromRow } from "./flow-limits.js";
import { noWaiting } from "./flow-waiting.js";
import { noLimits } from "./seam/flow.js";
import { emptyCounts, type QueueInfo } from "./seam/reads.js";

export class QueueInfos {
  private readonly byName = new Map<string, QueueInfo>();

  /** The queue's info, made empty (not paused, no limits, no jobs) at its first mention. */
  get(name: string): QueueInfo {
    let info = this.byName.get(name);
    if (!info) {
      info = {
        name,
        paused: false,
        counts: emptyCounts(),
        oldestQueuedAt: null,
        limits: noLimits(),
        ...noWaiting(),
      };
      this.byName.set(name, info);
    }
    return info;
  }

  /** Every queue named so far, by name. */
  sorted(): QueueInfo[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** The rows an SQL store reads for `queueList` (one snapshot, so counts and flags agree). */
export interface QueueRows {
  paused: Iterable<{ name: string }>;
  limits: Iterable<LimitsRow & { name: string }>;
  counts: Iterable<{ queue: string; state: JobState; n: number }>;
  oldest: Iterable<{ queue: string; oldest: number }>;
}

/** The queues of `rows` by name, and each limited queue's rate-limit `tat` (for flow-waiting.ts). */
export function queueInfosFromRows(rows: QueueRows): { list: QueueInfo[]; tats: Map<string, number | null> } {
  const infos = new QueueInfos();
  for (const { name } of rows.paused) infos.get(name).paused = true;
  const tats = new Map<string, number | null>();
  for (const row of rows.limits) {
    infos.get(row.name).limits = limitsFromRow(row);
    tats.set(row.name, row.rate_tat);
  }
  for (const { queue, state, n } of rows.counts) infos.get(queue).counts[state] += n;
  for (const { queue, oldest } of rows.oldest) infos.get(queue).oldestQueuedAt = oldest;
  return { list: infos.sorted(), tats };
}
