/**
 * At-least-once under kill -9: worker processes on one SQLite file are SIGKILLed at random
 * moments mid-run and replaced. Every job must end `completed`, none may be lost, and a job
 * may run twice only if a killed process was running it (its earlier execution's pid is a
 * killed pid), in which case its attempt count is higher.
 */

import { rmSync, writeFileSync } from "node:fs";
import { afterEach, expect, test } from "vitest";
import type { JobRecord } from "../../src/core/types.js";
import { pauseFile } from "./fixtures/app.js";
import { type ChaosEnv, chaosEnv, type WorkerProcess, waitFor } from "./helpers.js";

const JOBS = 2000;
const KILLS = 4;
// Small enough that the run lasts several seconds (kills land mid-run, replacements have
// time to start), large enough that every kill catches jobs in flight.
const WORKER_OPTIONS = { concurrency: 4, lease: "2s", pollInterval: 100, shutdownGrace: "1s" };

let env: ChaosEnv;
afterEach(async () => {
  await env?.cleanup();
});

test("jobs survive repeated kill -9 of their workers: all complete, none lost, duplicates only from killed processes", async () => {
  env = await chaosEnv("kill9");
  const handles = await env.tasks.work.enqueueMany(
    Array.from({ length: JOBS }, (_, i) => ({ input: { i } })),
  );
  const ids = new Set(handles.map((h) => h.id));
  expect(ids.size).toBe(JOBS);

  const alive: WorkerProcess[] = [
    await env.spawnWorker(WORKER_OPTIONS),
    await env.spawnWorker(WORKER_OPTIONS),
  ];
  const killed = new Set<number>();
  // Kill points spread over the run, each at a random spot inside its own band of progress.
  const targets = Array.from({ length: KILLS }, (_, k) =>
    Math.floor(JOBS * (0.1 + k * 0.18 + Math.random() * 0.12)),
  );
  for (const target of targets) {
    let seen = {};
    // Conditions that stay true: the count only grows; then, paused, handlers hold after
    // their side effect, so "some running" lasts until the kill (no window to miss).
    await waitFor(
      async () => {
        const c = await env.counts();
        seen = c;
        return c.completed >= target;
      },
      { timeout: 120_000, interval: 20, message: `${target} jobs completed` },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; counts ${JSON.stringify(seen)}; logs in ${env.dir}`);
    });
    writeFileSync(pauseFile(env.dir), "");
    await waitFor(
      async () => {
        const c = await env.counts();
        return c.running > 0 || c.completed === JOBS;
      },
      { timeout: 60_000, message: "jobs in flight" },
    );
    const victim = alive.splice(Math.floor(Math.random() * alive.length), 1)[0]!;
    victim.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    killed.add(victim.pid);
    alive.push(await env.spawnWorker(WORKER_OPTIONS));
    rmSync(pauseFile(env.dir), { force: true });
  }

  await waitFor(async () => (await env.counts()).completed === JOBS, {
    timeout: 180_000,
    interval: 100,
    message: `all ${JOBS} jobs completed`,
  });
  const counts = await env.counts();
  expect(counts).toMatchObject({ total: JOBS, completed: JOBS, running: 0, queued: 0, failed: 0 });

  const records = new Map<string, JobRecord>();
  for (let cursor: string | null | undefined; ; ) {
    const page = await (await env.spool.backend()).jobList({
      limit: 1000,
      order: "asc",
      cursor: cursor ?? undefined,
    });
    for (const r of page.jobs) records.set(r.id, r);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(records.size).toBe(JOBS);
  for (const id of ids) expect(records.get(id)?.state, id).toBe("completed");

  const byJob = new Map<string, { attempt: number; pid: number }[]>();
  for (const e of env.effects()) {
    expect(ids.has(e.id), `effect of unknown job ${e.id}`).toBe(true);
    const list = byJob.get(e.id) ?? [];
    list.push(e);
    byJob.set(e.id, list);
  }
  let duplicates = 0;
  let rerun = 0;
  for (const id of ids) {
    const runs = byJob.get(id);
    const record = records.get(id)!;
    expect(runs?.length, `job ${id} never executed`).toBeGreaterThan(0);
    const last = runs!.at(-1)!;
    // The execution that completed the job is its last one, and its result says so.
    expect(record.attempt).toBe(last.attempt);
    expect(JSON.parse(record.result!)).toEqual({ pid: last.pid });
    // Every earlier attempt was lost to a kill: its lease expired (no other failure happened).
    expect(record.errors.map((e) => e.code)).toEqual(Array(record.attempt - 1).fill("LEASE_EXPIRED"));
    if (record.attempt > 1) rerun++;
    if (runs!.length > 1) {
      duplicates++;
      for (const earlier of runs!.slice(0, -1))
        expect(killed.has(earlier.pid), `job ${id} ran twice in a live worker`).toBe(true);
      for (let i = 1; i < runs!.length; i++) expect(runs![i]!.attempt).toBeGreaterThan(runs![i - 1]!.attempt);
    }
  }
  console.log(
    `kill -9: ${JOBS} jobs, ${killed.size} workers killed, ${rerun} jobs re-run after a kill, ${duplicates} executed twice (side effect repeated)`,
  );
}, 300_000);
