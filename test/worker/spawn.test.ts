/**
 * Dynamic children (`ctx.spawn`) through real workers on every backend: the parent waits without
 * a slot (a worker with ONE slot still runs its children), resumes with their results in order,
 * follows its failure policy, and a cancel of the waiting parent cancels the children.
 */
import { afterEach, describe, expect, expectTypeOf, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { NonRetriableError } from "../../src/core/errors/index.js";
import type { ChildOutcome, SpawnedChildren } from "../../src/core/spawn.js";
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
requireRedis("spawn tests on Redis");
requirePostgres("spawn tests on PostgreSQL");

describe.each(KINDS)("ctx.spawn on %s", (kind) => {
  let spool: Spool;
  let cleanup: () => Promise<void> | void = () => {};
  const workers: Worker[] = [];

  async function open(): Promise<Spool> {
    let url = "memory://";
    if (kind === "sqlite") ({ url, cleanup } = tempBackend());
    else if (kind === "redis") ({ url, cleanup } = redisUrl());
    else if (kind === "postgres") ({ url, cleanup } = postgresUrl());
    spool = createSpool({ backend: url, logger: { level: "silent" } });
    await spool.backend();
    return spool;
  }

  async function worker(concurrency = 1, queues?: string[]): Promise<Worker> {
    const w = spool.worker({ concurrency, pollInterval: "50ms", ...(queues ? { queues } : {}) });
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

  test("a parent fans out, waits without its slot (one slot runs all), and resumes with the results in order", async () => {
    await open();
    const phases: string[] = [];
    const square = spool.task({ name: "square", run: (n: number) => n * n });
    const fan = spool.task({
      name: "fan",
      async run(count: number, ctx) {
        if (!ctx.children) {
          phases.push(`first:${ctx.attempt}`);
          const calls = Array.from({ length: count }, (_, i) => square.with(i));
          return ctx.spawn(calls);
        }
        phases.push(`resumed:${ctx.attempt}:${ctx.children.round}`);
        return (ctx.children.results as number[]).join(",");
      },
    });
    const job = await fan.enqueue(25);
    await worker(1);
    const expected = Array.from({ length: 25 }, (_, i) => i * i).join(",");
    expect(await job.result({ timeout: "60s" })).toBe(expected);
    expect(phases).toEqual(["first:1", "resumed:1:1"]);
    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.attempt).toBe(1);
    expect(info.dependsOn).toHaveLength(25);
    const children = await spool.jobs.list({ task: "square", limit: 100 });
    expect(children.jobs).toHaveLength(25);
    for (const c of children.jobs) expect(c.meta.spawnedBy).toBe(job.id);
  }, 120_000);

  test("a resumed handler may spawn again (round 2)", async () => {
    await open();
    const inc = spool.task({ name: "inc", run: (n: number) => n + 1 });
    const twice = spool.task({
      name: "twice",
      async run(n: number, ctx) {
        const c = ctx.children;
        if (!c) return ctx.spawn([inc.with(n)]);
        if (c.round === 1) return ctx.spawn([inc.with(c.results[0] as number), inc.with(100)]);
        return c.results;
      },
    });
    const job = await twice.enqueue(1);
    await worker(1);
    expect(await job.result({ timeout: "60s" })).toEqual([3, 101]);
  }, 120_000);

  test("outcomesOf / resultsOf type each task's children by its result type, in spawn order", async () => {
    await open();
    const stamp = spool.task({ name: "stamp", run: (n: number) => ({ n, at: new Date(n * 1000) }) });
    const label = spool.task({ name: "label", run: (s: string) => s.toUpperCase() });
    const flaky = spool.task({
      name: "flaky",
      retry: 1,
      run: (n: number): number => {
        if (n < 0) throw new Error(`negative ${n}`);
        return n;
      },
    });
    const seen: string[] = [];
    const parent = spool.task({
      name: "typed",
      async run(_: null, ctx) {
        const c = ctx.children;
        if (!c)
          return ctx.spawn([stamp.with(1), label.with("a"), stamp.with(2), flaky.with(-1), label.with("b")], {
            onFailure: "continue",
          });
        const stamps = c.resultsOf(stamp);
        expectTypeOf(stamps).toEqualTypeOf<{ n: number; at: Date }[]>();
        const labels = c.resultsOf(label);
        expectTypeOf(labels).toEqualTypeOf<string[]>();
        const flakyOutcomes = c.outcomesOf(flaky);
        expectTypeOf(flakyOutcomes).toEqualTypeOf<ChildOutcome<number>[]>();
        const first = flakyOutcomes[0];
        if (first?.state === "completed") expectTypeOf(first.result).toEqualTypeOf<number>();
        if (first?.state === "failed") seen.push(`flaky failed: ${first.error?.message}`);
        try {
          c.resultsOf(flaky);
        } catch (err) {
          seen.push(`${(err as Error).name}: ${(err as Error).message}`);
        }
        return { stamps: stamps.map((s) => s.at.getTime()), labels };
      },
    });
    const job = await parent.enqueue(null);
    await worker(2);
    expect(await job.result({ timeout: "60s" })).toEqual({ stamps: [1000, 2000], labels: ["A", "B"] });
    expect(seen[0]).toBe("flaky failed: negative -1");
    expect(seen[1]).toMatch(/^NonRetriableError: child \S+ \(flaky\) failed: negative -1$/);
  }, 120_000);

  test('onFailure "fail": a failed child fails the parent (handler not resumed), unfinished children are cancelled', async () => {
    await open();
    let resumed = 0;
    const ok = spool.task({ name: "ok", queue: "fast", run: (n: number) => n });
    const bad = spool.task({
      name: "bad",
      queue: "fast",
      run: () => {
        throw new NonRetriableError("database 7 is corrupt");
      },
    });
    const later = spool.task({ name: "later", queue: "held", run: (n: number) => n });
    const parent = spool.task({
      name: "parent",
      async run(_: null, ctx) {
        if (ctx.children) resumed++;
        return ctx.spawn([ok.with(1), bad.with(null), later.with(2)]);
      },
    });
    const job = await parent.enqueue(null);
    // No worker serves "held": that child stays queued until the failure cancels it.
    await worker(1, ["default", "fast"]);
    await expect(job.result({ timeout: "60s" })).rejects.toThrow(/bad\) failed: database 7 is corrupt/);
    expect(resumed).toBe(0);
    expect((await job.get()).state).toBe("failed");
    const held = await spool.jobs.list({ task: "later", limit: 10 });
    expect(held.jobs.map((j) => j.state)).toEqual(["cancelled"]);
  }, 120_000);

  test('onFailure "continue": the parent resumes once all are final and reads every outcome', async () => {
    await open();
    const half = spool.task({
      name: "half",
      retry: 1,
      run: (n: number) => {
        if (n % 2) throw new Error(`odd ${n}`);
        return n / 2;
      },
    });
    let seen: SpawnedChildren | null = null;
    const parent = spool.task({
      name: "parent",
      async run(_: null, ctx) {
        if (!ctx.children)
          return ctx.spawn(
            [1, 2, 3, 4].map((n) => half.with(n)),
            { onFailure: "continue" },
          );
        seen = ctx.children;
        return ctx.children.outcomes.filter((o) => o.state === "completed").length;
      },
    });
    const job = await parent.enqueue(null);
    await worker(2);
    expect(await job.result({ timeout: "60s" })).toBe(2);
    const s = seen as SpawnedChildren | null;
    expect(s?.results).toEqual([undefined, 1, undefined, 2]);
    expect(s?.outcomes.map((o) => o.state)).toEqual(["failed", "completed", "failed", "completed"]);
    expect(s?.outcomes[0]?.error?.message).toBe("odd 1");
  }, 120_000);

  test("cancelling a waiting parent cancels its unfinished children", async () => {
    await open();
    const later = spool.task({ name: "later", queue: "held", run: (n: number) => n });
    const parent = spool.task({
      name: "parent",
      run: (_: null, ctx) => ctx.spawn([later.with(1), later.with(2)]),
    });
    const job = await parent.enqueue(null);
    await worker(1, ["default"]);
    await waitFor(async () => (await job.state()) === "waiting", {
      timeout: 30_000,
      message: "parent waiting",
    });
    expect(await job.cancel("no longer needed")).toBe(true);
    const children = await spool.jobs.list({ task: "later", limit: 10 });
    expect(children.jobs.map((j) => j.state)).toEqual(["cancelled", "cancelled"]);
  }, 120_000);

  test("a workflow node that spawns: children join the workflow, its graph and its total", async () => {
    await open();
    const square = spool.task({ name: "square", run: (n: number) => n * n });
    const fan = spool.task({
      name: "fan",
      run: (n: number, ctx) =>
        ctx.children
          ? (ctx.children.results as number[])
          : ctx.spawn(Array.from({ length: n }, (_, i) => square.with(i + 1))),
    });
    const sum = spool.task({ name: "sum", run: (xs: number[]) => xs.reduce((a, b) => a + b, 0) });
    const wf = await spool.chain(fan.with(3), sum.with()).enqueue();
    await worker(1);
    expect(await wf.result({ timeout: "60s" })).toBe(1 + 4 + 9);
    const info = await wf.get();
    expect(info.total).toBe(5);
    expect(info.counts.completed).toBe(5);
    const nodes = await wf.nodes();
    expect(nodes.map((n) => [n.node, n.task, n.state])).toEqual([
      ["0", "fan", "completed"],
      ["1", "sum", "completed"],
      ["0.spawn.0", "square", "completed"],
      ["0.spawn.1", "square", "completed"],
      ["0.spawn.2", "square", "completed"],
    ]);
  }, 120_000);

  test("bad child input fails the attempt and writes nothing", async () => {
    await open();
    const child = spool.task({ name: "child", run: (n: number) => n });
    const parent = spool.task({
      name: "parent",
      retry: 1,
      run: (_: null, ctx) => ctx.spawn([child.with(1), child.with((() => 1) as unknown as number)]),
    });
    const job = await parent.enqueue(null);
    await worker(1);
    await expect(job.result({ timeout: "60s" })).rejects.toThrow();
    expect((await spool.jobs.list({ task: "child", limit: 10 })).jobs).toHaveLength(0);
    expect((await job.get()).dependsOn).toEqual([]);
  }, 120_000);
});

describe("ctx.spawn in inline mode", () => {
  test("the children run in the same drain and the parent resumes before enqueue resolves", async () => {
    const spool = createSpool({ backend: "inline", logger: { level: "silent" } });
    const double = spool.task({ name: "double", run: (n: number) => n * 2 });
    const parent = spool.task({
      name: "parent",
      run: (ns: number[], ctx) =>
        ctx.children ? ctx.children.results : ctx.spawn(ns.map((n) => double.with(n))),
    });
    const job = await parent.enqueue([1, 2, 3]);
    expect(await job.result()).toEqual([2, 4, 6]);
    await spool.close();
  });
});
