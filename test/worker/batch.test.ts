/**
 * Batch handlers on every backend: one call takes up to `size` jobs; each job keeps its own
 * outcome (an Error entry fails only that job, and it alone is retried), its own lease (renewed
 * while a long call runs), its own cancel, and a throw fails the whole call's jobs.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError, JobFailedError } from "../../src/core/errors/index.js";
import type { BatchContext } from "../../src/core/task.js";
import type { Worker } from "../../src/worker/worker.js";
import { tempBackend } from "../cli/helpers.js";
import { postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const KINDS = [
  "memory",
  "sqlite",
  ...(redisReachable ? ["redis"] : []),
  ...(postgresReachable ? ["postgres"] : []),
] as const;
requireRedis("batch handler tests on Redis");
requirePostgres("batch handler tests on PostgreSQL");

async function failure(promise: Promise<unknown>): Promise<JobFailedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobFailedError);
  return err as JobFailedError;
}

describe.each(KINDS)("batch handlers on %s", (kind) => {
  let spool: Spool;
  let cleanup: () => Promise<void> | void = () => {};
  const workers: Worker[] = [];

  async function open(): Promise<Spool> {
    let url = "memory://";
    if (kind === "sqlite") {
      const b = tempBackend();
      url = b.url;
      cleanup = b.cleanup;
    } else if (kind === "redis") {
      const r = redisUrl();
      url = r.url;
      cleanup = r.cleanup;
    } else if (kind === "postgres") {
      const p = postgresUrl();
      url = p.url;
      cleanup = p.cleanup;
    }
    spool = createSpool({ backend: url, logger: { level: "silent" } });
    await spool.backend();
    return spool;
  }

  async function worker(lease = "30s"): Promise<Worker> {
    const w = spool.worker({ concurrency: 10, pollInterval: "50ms", lease });
    workers.push(w);
    await w.start();
    return w;
  }

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop({ grace: "1s" });
    await spool.close();
    await cleanup();
    cleanup = () => {};
  });

  test("jobs are gathered into calls of at most size; an Error entry fails only its job, which alone is retried", async () => {
    await open();
    const calls: number[][] = [];
    const t = spool.task({
      name: "square",
      retry: { attempts: 2, backoff: { type: "fixed", delay: 20 } },
      batch: { size: 4, wait: "300ms" },
      run: async (inputs: number[], ctx: BatchContext) => {
        calls.push(inputs);
        return inputs.map((n, i) =>
          n === 3 && ctx.jobs[i]!.attempt === 1 ? new Error(`3 fails on attempt 1`) : n * n,
        );
      },
    });
    const jobs = await t.enqueueMany([1, 2, 3, 4, 5, 6].map((input) => ({ input })));
    await worker();
    const results = await Promise.all(jobs.map((j) => j.result({ timeout: "60s" })));
    expect(results).toEqual([1, 4, 9, 16, 25, 36]);
    for (const c of calls) expect(c.length).toBeLessThanOrEqual(4);
    // Every input ran once, except 3 which ran twice (its retry).
    expect(calls.flat().sort()).toEqual([1, 2, 3, 3, 4, 5, 6]);
    expect(calls.length).toBeLessThan(7);
    const three = await jobs[2]!.get();
    expect(three.attempt).toBe(2);
    expect(three.errors.map((e) => e.message)).toEqual(["3 fails on attempt 1"]);
    for (const j of [jobs[0]!, jobs[1]!, jobs[3]!]) expect((await j.get()).attempt).toBe(1);
  }, 120_000);

  test("a throw fails every job of the call; a wrong-length answer too, with a clear error", async () => {
    await open();
    const boom = spool.task({
      name: "boom",
      retry: 1,
      batch: { size: 3, wait: "200ms" },
      run: async (): Promise<number[]> => {
        throw new Error("the SMTP session dropped");
      },
    });
    const short = spool.task({
      name: "short",
      retry: 1,
      batch: { size: 3, wait: "200ms" },
      run: async (inputs: number[]) => inputs.slice(1),
    });
    const a = await boom.enqueueMany([1, 2, 3].map((input) => ({ input })));
    const b = await short.enqueueMany([1, 2].map((input) => ({ input })));
    await worker();
    for (const j of a)
      expect((await failure(j.result({ timeout: "60s" }))).lastError?.message).toBe(
        "the SMTP session dropped",
      );
    for (const j of b)
      expect((await failure(j.result({ timeout: "60s" }))).lastError?.message).toMatch(
        /must return one result or Error per input: got \d entries for \d inputs/,
      );
  }, 120_000);

  test("leases of a long call are renewed per job; cancel of one job leaves the others' outcomes", async () => {
    await open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = spool.task({
      name: "slow-batch",
      retry: 1,
      batch: { size: 3, wait: "100ms" },
      run: async (inputs: string[], ctx: BatchContext) => {
        await gate;
        return inputs.map((s, i) => `${s}:${ctx.jobs[i]!.signal.aborted ? "aborted" : "ok"}`);
      },
    });
    const jobs = await t.enqueueMany(["a", "b", "c"].map((input) => ({ input })));
    const w = await worker("2s");
    await waitFor(async () => (await Promise.all(jobs.map((j) => j.state()))).every((s) => s === "running"), {
      timeout: 60_000,
    });
    // Over two 2s leases: only renewal keeps the jobs ours.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await jobs[1]!.cancel()).toBe(true);
    await waitFor(() => w.activeCount === 3, { timeout: 10_000 });
    release();
    expect(await jobs[0]!.result({ timeout: "60s" })).toBe("a:ok");
    expect(await jobs[2]!.result({ timeout: "60s" })).toBe("c:ok");
    expect(await jobs[1]!.state()).toBe("cancelled");
    for (const j of [jobs[0]!, jobs[2]!]) expect((await j.get()).attempt).toBe(1);
  }, 120_000);
});

test("batch options are checked at definition", () => {
  const s = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const bad = (batch: unknown) => () =>
    s.task({ name: `b${Math.random()}`, batch: batch as { size: number }, run: async (xs: number[]) => xs });
  expect(bad({ size: 0 })).toThrow(InvalidArgumentError);
  expect(bad({ size: 5, wait: "soon" })).toThrow(InvalidArgumentError);
  expect(bad({ size: 5, extra: 1 })).toThrow(/unknown option "extra"/);
  expect(() =>
    s.task({ name: "iso-batch", isolate: "thread", batch: { size: 2 }, run: async (xs: number[]) => xs }),
  ).toThrow(/isolate is not supported with batch/);
});

test("the inline test mode calls a batch handler with one job at a time", async () => {
  const s = createSpool({ backend: "inline", logger: { level: "silent" } });
  const calls: number[][] = [];
  const t = s.task({
    name: "double",
    batch: { size: 10 },
    run: async (xs: number[], _ctx: BatchContext) => {
      calls.push(xs);
      return xs.map((x) => x * 2);
    },
  });
  const a = await t.enqueue(1);
  const b = await t.enqueue(2);
  expect([await a.result(), await b.result()]).toEqual([2, 4]);
  expect(calls).toEqual([[1], [2]]);
  await s.close();
});
