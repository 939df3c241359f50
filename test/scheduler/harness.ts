/**
 * One spool per test on a fresh store (memory or a temp SQLite file) and a FakeClock, with a
 * task to schedule and helpers that read what the schedules enqueued.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { MemoryBackend } from "../../src/backend/memory/memory-backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { FakeClock } from "../../src/core/clock.js";
import type { JobInfo } from "../../src/core/task.js";
import type { Scheduler } from "../../src/scheduler/scheduler.js";
import { waitFor } from "../support/wait-for.js";

export type BackendKind = "memory" | "sqlite";
export const BACKEND_KINDS: readonly BackendKind[] = ["memory", "sqlite"];

let dir: string | null = null;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

export interface SchedulerHarness {
  clock: FakeClock;
  spool: Spool;
  backend: Backend;
  url: string | null;
  tick: ReturnType<Spool["task"]>;
  /** Jobs fired by schedules, oldest first. */
  fired(schedule?: string): Promise<JobInfo[]>;
  /** A scheduler with test defaults (random pinned to 0.5); stopped by close(). */
  scheduler(options?: Parameters<Spool["scheduler"]>[0]): Scheduler;
  /** Waits until `scheduler` finished a pass that started after this call. */
  nextTick(scheduler: Scheduler): Promise<void>;
  close(): Promise<void>;
}

export async function harness(
  kind: BackendKind,
  options: { start?: number | Date; shareWith?: SchedulerHarness } = {},
): Promise<SchedulerHarness> {
  const clock = options.shareWith?.clock ?? new FakeClock(options.start ?? Date.UTC(2026, 0, 1));
  let url: string | null = null;
  let backend: string | Backend;
  if (kind === "memory") {
    backend = options.shareWith?.backend ?? new MemoryBackend(clock);
  } else {
    dir ??= mkdtempSync(join(tmpdir(), "spool-scheduler-test-"));
    url = options.shareWith?.url ?? `sqlite://${join(dir, `${randomUUID()}.db`)}`;
    backend = url;
  }
  const spool = createSpool({ backend, clock, logger: { level: "silent" }, retention: false });
  const tick = spool.task({ name: "tick", queue: "ticks", run: (input: { n?: number }) => input.n ?? 0 });
  spool.task({ name: "other", run: () => 1 });
  const resolved = await spool.backend();
  const schedulers: Scheduler[] = [];
  return {
    clock,
    spool,
    backend: resolved,
    url,
    tick,
    async fired(schedule) {
      const page = await spool.jobs.list({ limit: 1000, order: "asc" });
      return page.jobs.filter(
        (j) =>
          typeof j.meta.schedule === "string" && (schedule === undefined || j.meta.schedule === schedule),
      );
    },
    scheduler(schedulerOptions) {
      const s = spool.scheduler({ random: () => 0.5, ...schedulerOptions });
      schedulers.push(s);
      return s;
    },
    async nextTick(scheduler) {
      await new Promise<void>((resolve) => scheduler.once("scheduler:tick", () => resolve()));
    },
    async close() {
      for (const s of schedulers) await s.stop();
      // A shared memory backend belongs to the harness that created it.
      if (!(kind === "memory" && options.shareWith)) await spool.close();
    },
  };
}

/** Moves the fake clock and waits for the scheduler's pass that follows. */
export async function advance(h: SchedulerHarness, scheduler: Scheduler, ms: number): Promise<void> {
  const ticked = h.nextTick(scheduler);
  h.clock.advance(ms);
  await ticked;
}

export { waitFor };
