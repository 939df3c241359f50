/**
 * What moves besides jobs: paused queues and queue limits (copied: the source keeps its own, so
 * workers still on the source obey the same rules), and schedules (moved: a schedule fires in
 * exactly one store). A schedule is first paused in the source (no fire there from then on),
 * then written whole to the target (`scheduleImport`: next fire time, runs, last job kept, and
 * its own paused flag as it was), then removed from the source.
 */
import type { Backend, ScheduleRecord } from "../backend/backend.js";

export interface SettingsReport {
  pausedQueues: string[];
  limitedQueues: string[];
  schedules: string[];
  /** Schedules already in the target under the same name: the target's copy wins. */
  schedulesInTarget: string[];
}

function wanted(queues: readonly string[] | undefined, name: string): boolean {
  return queues === undefined || queues.length === 0 || queues.includes(name);
}

/** The queue states and schedules `spool move` would carry (reads the source only). */
export async function planSettings(source: Backend, queues?: readonly string[]): Promise<SettingsReport> {
  const list = (await source.queueList()).filter((q) => wanted(queues, q.name));
  const schedules = await source.scheduleList();
  return {
    pausedQueues: list.filter((q) => q.paused).map((q) => q.name),
    limitedQueues: list
      .filter((q) => q.limits.concurrency !== null || q.limits.rateLimit !== null)
      .map((q) => q.name),
    schedules: schedules.filter((s) => scheduleWanted(s, queues)).map((s) => s.name),
    schedulesInTarget: [],
  };
}

/** With --queue, only schedules whose job goes to one of those queues. */
function scheduleWanted(s: ScheduleRecord, queues: readonly string[] | undefined): boolean {
  if (queues === undefined || queues.length === 0) return true;
  try {
    const spec = JSON.parse(s.spec) as { job?: { queue?: unknown }; queue?: unknown };
    const queue = spec.job?.queue ?? spec.queue;
    return typeof queue === "string" && queues.includes(queue);
  } catch {
    return false;
  }
}

export async function moveSettings(
  source: Backend,
  target: Backend,
  queues?: readonly string[],
): Promise<SettingsReport> {
  const plan = await planSettings(source, queues);
  const byName = new Map((await source.queueList()).map((q) => [q.name, q]));
  for (const name of plan.pausedQueues) await target.queuePause({ queue: name });
  for (const name of plan.limitedQueues) {
    const { limits } = byName.get(name)!;
    await target.queueLimit({ queue: name, concurrency: limits.concurrency, rateLimit: limits.rateLimit });
  }
  const inTarget: string[] = [];
  for (const name of plan.schedules) {
    const record = await source.scheduleGet({ name });
    if (!record) continue;
    if (await target.scheduleGet({ name })) {
      // Written by an interrupted run (or defined there already): one copy must remain.
      inTarget.push(name);
      await source.scheduleRemove({ name });
      continue;
    }
    if (!record.paused) await source.schedulePause({ name });
    await target.scheduleImport({ schedule: record });
    await source.scheduleRemove({ name });
  }
  return { ...plan, schedulesInTarget: inTarget };
}
