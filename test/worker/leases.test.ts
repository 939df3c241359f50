/**
 * Leases and timeouts under partial failure (issue 12, bugs 1, 2, 3, 8, 13), on memory and
 * SQLite: a re-claimed job whose old execution still runs, a task lease shorter than the
 * worker's, a timed-out handler that ignores its signal, `stop()` during a claim backoff,
 * and a store error inside `ctx.progress`.
 */
import { afterEach, describe, expect, test } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("worker leases on %s", (kind) => {
  const harnesses: Harness[] = [];
  const open = async () => {
    const h = await createHarness(kind);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  test("a job re-claimed while its old execution still runs completes: the old outcome touches only the old lease", async () => {
    const h = await open();
    let outage = false;
    const renew = h.backend.leaseRenew.bind(h.backend);
    h.backend.leaseRenew = async (params) => {
      if (outage) throw new Error("store unreachable (test outage)");
      return renew(params);
    };
    const runs: { attempt: number; start: number; end?: number }[] = [];
    const t = h.spool.task({
      name: "outlives",
      lease: "400ms",
      retry: { attempts: 5, backoff: { type: "fixed", delay: 10 } },
      run: async (_: undefined, ctx) => {
        const run: { attempt: number; start: number; end?: number } = {
          attempt: ctx.attempt,
          start: Date.now(),
        };
        runs.push(run);
        if (ctx.attempt === 1) {
          // The renewal outage starts now; this execution ignores its signal and runs on
          // until the job was rescued and re-claimed by this same worker.
          outage = true;
          const info = await waitFor(
            async () => {
              const j = await job.get();
              return j.attempt >= 2 && j.state === "running" ? j : null;
            },
            { timeout: 30_000, message: "the job re-leased after its lease expired" },
          );
          outage = false;
          expect(info.errors[0]?.code).toBe("LEASE_EXPIRED");
          await sleep(200);
        } else {
          // Longer than the lease: only a renewed lease survives it.
          await sleep(1000);
        }
        run.end = Date.now();
        return { attempt: ctx.attempt };
      },
    });
    const job = await t.enqueue(undefined);
    const worker = h.worker({ concurrency: 2, rescueInterval: "50ms" });
    const lost: string[] = [];
    worker.on("lease:lost", (id, why) => lost.push(`${id} ${why}`));
    await worker.start();
    expect(await job.result({ timeout: "30s" })).toEqual({ attempt: 2 });
    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.errors.map((e) => [e.attempt, e.code])).toEqual([[1, "LEASE_EXPIRED"]]);
    // The old execution was told its lease was gone, and the retry started only after it returned.
    expect(lost).toEqual([`${job.id} lost`]);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect(runs[1]!.start).toBeGreaterThanOrEqual(runs[0]!.end!);
  }, 60_000);

  test("a task lease shorter than the worker's is renewed in time: a long job runs once", async () => {
    const h = await open();
    let runs = 0;
    const t = h.spool.task({
      name: "short-lease",
      lease: "300ms",
      retry: 3,
      run: async () => {
        runs++;
        await sleep(1500);
        return "done";
      },
    });
    const job = await t.enqueue(undefined);
    // The worker's own lease (and its old renewal interval, lease / 3) is far longer than the task's.
    await h.worker({ lease: "6s", rescueInterval: "50ms" }).start();
    expect(await job.result({ timeout: "30s" })).toBe("done");
    expect(await job.get()).toMatchObject({ state: "completed", attempt: 1, errors: [] });
    expect(runs).toBe(1);
  }, 60_000);

  test("a timed-out handler that ignores its signal blocks its own retry in this worker: executions never overlap", async () => {
    const h = await open();
    const spans: { attempt: number; start: number; end: number }[] = [];
    let active = 0;
    let maxActive = 0;
    const t = h.spool.task({
      name: "deaf",
      timeout: "100ms",
      retry: { attempts: 3, backoff: { type: "fixed", delay: 10 } },
      run: async (_: undefined, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const start = Date.now();
        await sleep(500);
        active--;
        spans.push({ attempt: ctx.attempt, start, end: Date.now() });
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker({ concurrency: 5 }).start();
    await waitFor(() => spans.length === 3, { timeout: 30_000, message: "three attempts returned" });
    expect(maxActive).toBe(1);
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    expect(sorted.map((s) => s.attempt)).toEqual([1, 2, 3]);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
    const info = await job.get();
    expect(info.state).toBe("failed");
    expect(info.errors.map((e) => e.code)).toEqual(["TIMEOUT", "TIMEOUT", "TIMEOUT"]);
  }, 60_000);

  test("a store error inside ctx.progress does not fail the attempt", async () => {
    const h = await open();
    h.backend.jobProgress = async () => {
      throw new Error("SQLITE_FULL: database or disk is full (test)");
    };
    const t = h.spool.task({
      name: "reports",
      retry: 1,
      run: async (_: undefined, ctx) => {
        await ctx.progress(50, "half way");
        await ctx.progress(100);
        return "ok";
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    expect(await job.result({ timeout: "10s" })).toBe("ok");
    expect(await job.get()).toMatchObject({ state: "completed", attempt: 1, errors: [] });
  });

  test("stop() does not wait out the backoff after failed claims", async () => {
    const h = await open();
    let failures = 0;
    h.backend.jobClaim = async () => {
      failures++;
      throw new Error("store down (test)");
    };
    const worker = h.worker();
    worker.on("worker:error", () => {});
    await worker.start();
    // Backoff doubles from 100 ms: after six failures the next wait is 3.2 s.
    await waitFor(() => failures >= 6, { timeout: 30_000, message: "six failed claims" });
    const stopped = worker.stop({ grace: 0 }).then(() => "stopped" as const);
    const backoffLeft = sleep(2500).then(() => "still waiting" as const);
    expect(await Promise.race([stopped, backoffLeft])).toBe("stopped");
    h.workerErrors.length = 0;
  }, 60_000);
});
