/**
 * Isolated execution on SQLite and Redis, in thread and process mode: a `for (;;) {}` past its
 * timeout is killed and its retry runs once; process.exit and heap exhaustion fail only their
 * job; children are recycled by job count and by memory without losing or doubling jobs;
 * cancel kills a running isolated job; stop drains isolated jobs within the grace period.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { JobFailedError } from "../../src/core/errors/index.js";
import type { WorkerOptions } from "../../src/worker/options.js";
import type { Worker } from "../../src/worker/worker.js";
import { tempBackend } from "../cli/helpers.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { defineTasks } from "./fixtures/isolated-app.js";

const APP = join(import.meta.dirname, "fixtures/isolated-app.ts");
const KINDS = ["sqlite", ...(redisReachable ? ["redis"] : [])] as const;
requireRedis("isolation tests on Redis");

async function failure(promise: Promise<unknown>): Promise<JobFailedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobFailedError);
  return err as JobFailedError;
}

describe.each(KINDS.flatMap((kind) => (["thread", "process"] as const).map((mode) => [kind, mode] as const)))(
  "isolation on %s in %s mode",
  (kind, mode) => {
    let spool: Spool;
    let cleanup: () => Promise<void> | void = () => {};
    const workers: Worker[] = [];

    async function open() {
      if (kind === "redis") {
        const r = redisUrl();
        cleanup = r.cleanup;
        spool = createSpool({ backend: r.url, logger: { level: "silent" } });
      } else {
        const b = tempBackend();
        cleanup = b.cleanup;
        spool = createSpool({ backend: b.url, logger: { level: "silent" } });
      }
      await spool.backend();
      return defineTasks(spool);
    }

    async function worker(options: WorkerOptions = {}): Promise<Worker> {
      const w = spool.worker({
        concurrency: 2,
        pollInterval: "50ms",
        isolate: mode,
        ...options,
        isolation: { app: APP, killGrace: "300ms", ...options.isolation },
      });
      workers.push(w);
      await w.start();
      return w;
    }

    const pool = (w: Worker) => w.isolation!.pool(mode)!;

    afterEach(async () => {
      for (const w of workers.splice(0)) await w.stop({ grace: "1s" });
      await spool.close();
      await cleanup();
    });

    test("for (;;) {} past its timeout is killed: TIMEOUT recorded, the slot freed, its retry runs once", async () => {
      const t = await open();
      const w = await worker();
      const started = pool(w).started.length;
      const spin = await t.spin.enqueue(null);
      const other = await t.whoami.enqueue(1);
      expect(await other.result({ timeout: "60s" })).toMatchObject({ n: 1, aborted: false });
      expect(await spin.result({ timeout: "60s" })).toMatchObject({ attempt: 2 });
      const info = await spin.get();
      expect(info.attempt).toBe(2);
      expect(info.errors).toHaveLength(1);
      expect(info.errors[0]).toMatchObject({ attempt: 1, name: "TimeoutError", code: "TIMEOUT" });
      expect(info.errors[0]!.message).toContain("timed out after 300ms");
      // The spinning child was killed and replaced.
      await waitFor(() => pool(w).started.length === started + 1 && pool(w).childIds().length === 2);
      expect(w.activeCount).toBe(0);
    }, 120_000);

    test("process.exit(1) and heap exhaustion fail only their own job; the children are replaced", async () => {
      const t = await open();
      const w = await worker({ isolation: { maxHeap: 48 } });
      const exit = await t.exit.enqueue(undefined);
      const oom = await t.oom.enqueue(undefined);
      const oks = await Promise.all([1, 2, 3, 4].map((n) => t.whoami.enqueue(n)));
      const exitErr = await failure(exit.result({ timeout: "90s" }));
      expect(exitErr.lastError).toMatchObject({ attempt: 1, name: "IsolatedChildCrashed" });
      expect(exitErr.lastError?.message).toMatch(/running job \S+ exited with code 1/);
      const oomErr = await failure(oom.result({ timeout: "90s" }));
      expect(oomErr.lastError).toMatchObject({ attempt: 1, name: "IsolatedChildCrashed" });
      expect(oomErr.lastError?.message).toMatch(/memory|heap|SIGABRT|SIGTRAP|code 134/i);
      const results = await Promise.all(oks.map((j) => j.result({ timeout: "90s" })));
      expect(results.map((r) => (r as { n: number }).n)).toEqual([1, 2, 3, 4]);
      for (const j of oks) expect((await j.get()).attempt).toBe(1);
      await waitFor(() => pool(w).childIds().length === 2, { timeout: 60_000 });
      expect(pool(w).started.length).toBeGreaterThanOrEqual(4);
    }, 180_000);

    test("recycling after maxJobs and past maxMemory: children change, no job lost or doubled", async () => {
      const t = await open();
      const w = await worker({ isolation: { pool: 2, recycle: { maxJobs: 3 } } });
      const jobs = await t.whoami.enqueueMany(Array.from({ length: 12 }, (_, n) => ({ input: n })));
      const results = (await Promise.all(jobs.map((j) => j.result({ timeout: "90s" })))) as {
        n: number;
        by: string;
      }[];
      expect(results.map((r) => r.n)).toEqual(Array.from({ length: 12 }, (_, n) => n));
      for (const j of jobs) expect((await j.get()).attempt).toBe(1);
      // 12 jobs, 3 per child: at least 4 distinct children ran them.
      expect(new Set(results.map((r) => r.by)).size).toBeGreaterThanOrEqual(4);
      await w.stop({ grace: "5s" });

      const m = await worker({ isolation: { pool: 1, recycle: { maxMemory: "1KB" } } });
      const before = pool(m).started.length;
      const more = await t.whoami.enqueueMany([{ input: 100 }, { input: 101 }, { input: 102 }]);
      const byMem = (await Promise.all(more.map((j) => j.result({ timeout: "90s" })))) as { by: string }[];
      expect(new Set(byMem.map((r) => r.by)).size).toBe(3);
      // Each child is replaced after its job (the last replacement starts once it has exited).
      await waitFor(() => pool(m).started.length >= before + 3, { timeout: 60_000 });
    }, 180_000);

    test("cancel of a running isolated job kills its child and frees the slot", async () => {
      const t = await open();
      const w = await worker({ concurrency: 1 });
      const started = pool(w).started.length;
      let handlerStarted = false;
      w.on("job:started", () => (handlerStarted = true));
      const job = await t.spinForever.enqueue(undefined);
      await waitFor(() => handlerStarted, { timeout: 60_000 });
      expect(await job.cancel()).toBe(true);
      await waitFor(() => w.activeCount === 0 && pool(w).started.length === started + 1, { timeout: 60_000 });
      expect(await job.state()).toBe("cancelled");
      // The replacement child runs the next job.
      expect(await (await t.whoami.enqueue(7)).result({ timeout: "60s" })).toMatchObject({ n: 7 });
    }, 120_000);

    test("a RateLimitedError from an isolated handler backs the job off without using an attempt", async () => {
      const t = await open();
      await worker();
      const marker = join(mkdtempSync(join(tmpdir(), "spool-iso-")), "limited");
      const job = await t.limited.enqueue(marker);
      // One attempt allowed: completing at all shows the backoff did not use it.
      expect(await job.result({ timeout: "60s" })).toEqual({ attempt: 1 });
      rmSync(dirname(marker), { recursive: true, force: true });
    }, 120_000);

    test("stop drains isolated jobs within the grace period, and releases one that ignores its signal", async () => {
      const t = await open();
      const w = await worker();
      const children = pool(w);
      // Started handlers, not the store's "running" (a prefetched job is leased but not started).
      const started = new Set<string>();
      w.on("job:started", (job) => started.add(job.id));
      const slow = await t.slow.enqueue(400);
      const spin = await t.spinForever.enqueue(undefined);
      await waitFor(() => started.has(slow.id) && started.has(spin.id), { timeout: 60_000 });
      const t0 = Date.now();
      await w.stop({ grace: "2s" });
      // Grace (2s) plus the kill grace (300ms), with room for a loaded machine.
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(await slow.get()).toMatchObject({ state: "completed", result: { slept: 400, aborted: false } });
      expect(await spin.get()).toMatchObject({ state: "queued", attempt: 0 });
      expect(children.childIds()).toEqual([]);
    }, 120_000);
  },
);
