/**
 * The strategy at the cap across 3 processes sharing one store (SQLite file, Redis): each
 * process runs a worker and enqueues jobs of a drop-newest task and a cancel-in-progress task
 * (cap 2 per key, keys a, b, c) at the same time as the others. Sampled every few ms in one
 * read (queued and running together), no (task, key) ever has more than 2 live jobs; every
 * dropped job left nothing in the store; cancel-in-progress cancelled jobs (running ones too)
 * with its reason, and everything drains.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { spawnWorkerProcess, type WorkerProcess } from "./worker-process.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const SCRIPT = join(here, "fixtures/flow-strategy-process.ts");
const CAP = 2;
const PER_PROCESS = 30;

requireRedis("strategy-at-the-cap property tests on Redis");
const kinds = redisReachable ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(kinds)("strategy at the cap across 3 processes on %s", (kind) => {
  const children = new Map<ChildProcess, Promise<unknown>>();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const child of children.keys()) child.kill("SIGKILL");
    await Promise.all(children.values());
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  test("live jobs per key never exceed the cap; dropped jobs write nothing; everything drains", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spool-flow-strategy-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let url = `sqlite://${join(dir, "strategy.db")}`;
    if (kind === "redis") {
      const r = redisUrl();
      url = r.url;
      cleanups.push(r.cleanup);
    }
    const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
    cleanups.push(() => spool.close());
    const backend = await spool.backend();
    await backend.migrate();
    const goFile = join(dir, "go");
    const procs: WorkerProcess[] = [];
    for (let i = 0; i < 3; i++)
      procs.push(
        await spawnWorkerProcess({
          script: SCRIPT,
          args: [url, goFile, String(PER_PROCESS)],
          cwd: ROOT,
          logFile: join(dir, `proc-${i}.log`),
          label: `${kind} ${i}`,
          children,
        }),
      );
    let peak = 0;
    let samples = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const { jobs } = await backend.jobList({
          queue: "kstrat",
          state: ["queued", "running"],
          limit: 1000,
        });
        const per = new Map<string, number>();
        for (const j of jobs) {
          const g = `${j.task}/${j.limitKey}`;
          per.set(g, (per.get(g) ?? 0) + 1);
        }
        for (const n of per.values()) peak = Math.max(peak, n);
        samples++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    writeFileSync(goFile, "go");
    await waitFor(() => procs.every((p) => p.stdout().includes("done ")), {
      timeout: 180_000,
      interval: 50,
      message: "every process enqueued its jobs",
    });
    const reports = procs.map(
      (p) =>
        JSON.parse(p.stdout().split("done ")[1]!.split("\n")[0]!) as { created: number; dropped: number },
    );
    await waitFor(
      async () =>
        (await backend.jobList({ queue: "kstrat", state: ["queued", "running"], limit: 10 })).jobs.length ===
        0,
      { timeout: 180_000, interval: 100, message: "the queue drained" },
    );
    done = true;
    await sampler;
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);
    const created = reports.reduce((n, r) => n + r.created, 0);
    const dropped = reports.reduce((n, r) => n + r.dropped, 0);
    expect(created + dropped).toBe(3 * PER_PROCESS);
    expect(dropped).toBeGreaterThan(0);
    // Nothing of a dropped job is in the store.
    const drops = (await backend.jobList({ task: "cap.drop", limit: 1000 })).jobs;
    expect(drops.length).toBe(created);
    const cancels = (await backend.jobList({ task: "cap.cancel", limit: 1000 })).jobs;
    expect(cancels.length).toBe(3 * PER_PROCESS);
    const superseded = cancels.filter((j) => j.state === "cancelled");
    expect(superseded.length).toBeGreaterThan(0);
    expect(cancels.filter((j) => j.state === "completed").length + superseded.length).toBe(3 * PER_PROCESS);
  }, 300_000);
});
