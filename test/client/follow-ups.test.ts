// biome-ignore-all lint/suspicious/noThenProperty: `then` is the follow-up option the issue names (an options object, never awaited)
/**
 * Durable follow-ups through the facade and a real worker: ctx.parent, piped inputs, bad input,
 * a parent that spawns children (then once, after its resume completes), a follow-up task with
 * a per-key cap (its limits apply), on memory and on a SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { InvalidArgumentError, UnknownTaskError } from "../../src/core/errors/index.js";
import type { ParentOutcome } from "../../src/core/follow-ups.js";

let spool: Spool | undefined;
afterEach(async () => {
  await spool?.close();
  spool = undefined;
});

test("then gets the parent's result piped and ctx.parent; catch gets the last error", async () => {
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const seen: { task: string; input: unknown; parent: ParentOutcome | null }[] = [];
  const ok = spool.task({ name: "ok", run: () => ({ rows: 3 }) });
  const bad = spool.task({
    name: "bad",
    retry: 1,
    run: () => {
      throw new Error("nope");
    },
  });
  const after = spool.task({
    name: "after",
    run: (input: unknown, ctx) => {
      seen.push({ task: "after", input, parent: ctx.parent });
    },
  });
  const a = await ok.enqueue(undefined, { then: after.with() });
  const b = await bad.enqueue(undefined, { catch: after.with() });
  const worker = spool.worker({ concurrency: 2 });
  await worker.start();
  await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
  await worker.stop();
  const fromOk = seen.find((s) => s.parent?.id === a.id)!;
  expect(fromOk.input).toEqual({ rows: 3 });
  expect(fromOk.parent).toMatchObject({ task: "ok", outcome: "completed", result: { rows: 3 } });
  const fromBad = seen.find((s) => s.parent?.id === b.id)!;
  expect(fromBad.input).toMatchObject({ name: "Error", message: "nope", attempt: 1 });
  expect(fromBad.parent).toMatchObject({ task: "bad", outcome: "failed", error: { message: "nope" } });
});

test("bad follow-ups are typed errors and write nothing", async () => {
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const other = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const stranger = other.task({ name: "stranger", run: () => 1 });
  const t = spool.task({ name: "t", run: () => 1 });
  await expect(t.enqueue(1, { then: stranger.with(1) })).rejects.toBeInstanceOf(UnknownTaskError);
  await expect(t.enqueue(1, { then: "t" as never })).rejects.toBeInstanceOf(InvalidArgumentError);
  await expect(t.enqueue(1, { then: t.with(1, { delay: "1s" }) })).rejects.toBeInstanceOf(
    InvalidArgumentError,
  );
  await expect(spool.chain(t.with(1, { then: t.with(2) })).enqueue()).rejects.toBeInstanceOf(
    InvalidArgumentError,
  );
  expect((await spool.jobs.list({ limit: 10 })).jobs).toEqual([]);
  await other.close();
});

test("a follow-up by task name: with input, fixed; without, piped; misspelt keys refused", async () => {
  spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const seen: { input: unknown; parent: string | undefined }[] = [];
  spool.task({ name: "sum", run: (i: { a: number; b: number }) => i.a + i.b });
  spool.task({
    name: "note",
    run: (input: unknown, ctx) => void seen.push({ input, parent: ctx.parent?.id }),
  });
  await expect(spool.enqueue("sum", { a: 1, b: 1 }, { then: { task: "nope" } })).rejects.toBeInstanceOf(
    UnknownTaskError,
  );
  await expect(
    spool.enqueue("sum", { a: 1, b: 1 }, { then: { task: "note", inptu: 1 } as never }),
  ).rejects.toBeInstanceOf(InvalidArgumentError);
  await expect(
    spool.enqueue("sum", { a: 1, b: 1 }, { catch: { task: "note", options: { delay: "1s" } } }),
  ).rejects.toBeInstanceOf(InvalidArgumentError);
  expect((await spool.jobs.list({ limit: 10 })).jobs).toEqual([]);
  const piped = await spool.enqueue("sum", { a: 1, b: 2 }, { then: { task: "note" } });
  const fixed = await spool.enqueue("sum", { a: 1, b: 3 }, { then: { task: "note", input: null } });
  const worker = spool.worker({ concurrency: 2 });
  await worker.start();
  await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
  await worker.stop();
  expect(seen.find((s) => s.parent === piped.id)?.input).toBe(3);
  expect(seen.find((s) => s.parent === fixed.id)?.input).toBeNull();
});

const dir = mkdtempSync(join(tmpdir(), "spool-follow-ups-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ["memory", () => "memory://"],
  ["sqlite", () => `sqlite://${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`],
])("on %s", (_name, url) => {
  test("a parent that spawns children writes then once, after its resumed run completes", async () => {
    spool = createSpool({ backend: url(), logger: { level: "silent" } });
    const parents: (ParentOutcome | null)[] = [];
    const inputs: unknown[] = [];
    const part = spool.task({ name: "part", run: (n: number) => n * 10 });
    const whole = spool.task({
      name: "whole",
      run: (_input: null, ctx) => {
        if (!ctx.children) return ctx.spawn([part.with(1), part.with(2)]);
        return (ctx.children.results as number[]).reduce((a, b) => a + b, 0);
      },
    });
    const after = spool.task({
      name: "after",
      run: (input: unknown, ctx) => {
        inputs.push(input);
        parents.push(ctx.parent);
      },
    });
    const job = await whole.enqueue(null, { then: after.with() });
    const worker = spool.worker({ concurrency: 3 });
    await worker.start();
    await expect.poll(() => inputs.length, { timeout: 20_000 }).toBe(1);
    await worker.stop();
    expect(inputs).toEqual([30]);
    expect(parents[0]).toMatchObject({ id: job.id, task: "whole", outcome: "completed", result: 30 });
    const jobs = (await spool.jobs.list({ limit: 100 })).jobs;
    expect(jobs.filter((j) => j.task === "after").map((j) => j.state)).toEqual(["completed"]);
  });

  test("a follow-up task's per-key cap applies to its follow-up jobs", async () => {
    spool = createSpool({ backend: url(), logger: { level: "silent" } });
    let running = 0;
    let most = 0;
    let done = 0;
    const capped = spool.task({
      name: "capped",
      concurrency: { limit: 1, key: (input: { tenant: string }) => input.tenant },
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        done++;
      },
    });
    const first = spool.task({ name: "first", run: () => 1 });
    for (let i = 0; i < 4; i++) await first.enqueue(null, { then: capped.with({ tenant: "a" }) });
    const followers = (await spool.jobs.list({ limit: 100 })).jobs;
    expect(followers.filter((j) => j.task === "capped")).toEqual([]);
    const worker = spool.worker({ concurrency: 4 });
    await worker.start();
    await expect.poll(() => done, { timeout: 20_000 }).toBe(4);
    await worker.stop();
    expect(most).toBe(1);
    const capJobs = (await spool.jobs.list({ limit: 100 })).jobs.filter((j) => j.task === "capped");
    expect(capJobs.map((j) => j.limitKey)).toEqual(["a", "a", "a", "a"]);
  });
});
