/**
 * Dedupe windows through the facade: task-level key functions, the enqueue option, handles that
 * say they were deduplicated, and bad input (typed errors, nothing written). The store-level rule
 * is the conformance topic test/conformance/suite/dedupe.ts.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { FakeClock } from "../../src/core/clock.js";
import { InvalidArgumentError } from "../../src/core/errors/index.js";

let spool: Spool | undefined;
afterEach(async () => {
  await spool?.close();
  spool = undefined;
});

function make(clock = new FakeClock(1_700_000_000_000)) {
  spool = createSpool({ backend: "memory://", clock, logger: { level: "silent" } });
  return { spool, clock };
}

const count = async (s: Spool) => (await s.jobs.list({ limit: 100 })).jobs.length;

describe("task({ dedupe })", () => {
  test("throttle: the key comes from the input; a second enqueue returns the first job, deduplicated", async () => {
    const { spool } = make();
    const notify = spool.task({
      name: "notify",
      dedupe: { key: (input: { user: string }) => input.user, window: "10s", mode: "throttle" },
      run: () => 1,
    });
    const a = await notify.enqueue({ user: "ada" });
    const b = await notify.enqueue({ user: "ada" });
    const c = await notify.enqueue({ user: "bob" });
    expect([a.created, a.deduplicated]).toEqual([true, false]);
    expect([b.id, b.created, b.deduplicated]).toEqual([a.id, false, true]);
    expect(c.created).toBe(true);
    expect(await count(spool)).toBe(2);
  });

  test("debounce: the new job waits out its window; each enqueue replaces input and pushes it back", async () => {
    const { spool, clock } = make();
    const save = spool.task({
      name: "save",
      dedupe: {
        key: (i: { doc: string; v: number }) => i.doc,
        window: "2s",
        mode: "debounce",
        maxWait: "5s",
      },
      run: () => 1,
    });
    const t0 = clock.now();
    const first = await save.enqueue({ doc: "d", v: 1 });
    expect((await first.get()).runAt).toBe(t0 + 2_000);
    clock.advance(1_000);
    const second = await save.enqueue({ doc: "d", v: 2 });
    expect(second).toMatchObject({ id: first.id, deduplicated: true });
    const job = await first.get();
    expect(job.input).toEqual({ doc: "d", v: 2 });
    expect(job.runAt).toBe(t0 + 3_000);
  });

  test("the enqueue option wins over the task's dedupe and takes a literal key", async () => {
    const { spool } = make();
    const t = spool.task({ name: "t", dedupe: { key: () => "task-key", window: "1m" }, run: () => 1 });
    const a = await t.enqueue(1, { dedupe: { key: "opt", window: "1m", mode: "replace" } });
    const b = await t.enqueue(2, { dedupe: { key: "opt", mode: "replace" } });
    expect(b).toMatchObject({ id: a.id, deduplicated: true });
    expect((await a.get()).input).toBe(2);
    const c = await t.enqueue(3);
    expect(c.created).toBe(true);
  });
});

describe("bad dedupe input: typed errors, nothing written", () => {
  const badTask: [string, Record<string, unknown>][] = [
    ["a window of 0", { key: () => "k", window: 0 }],
    ["a negative window", { key: () => "k", window: -5 }],
    ["a window that is not a duration", { key: () => "k", window: "soon" }],
    ["a missing window for throttle", { key: () => "k" }],
    ["an unknown mode", { key: () => "k", window: "1s", mode: "skip" }],
    ["a key that is not a function", { key: "k", window: "1s" }],
    ["maxWait shorter than the window", { key: () => "k", window: "10s", mode: "debounce", maxWait: "5s" }],
    ["maxWait outside debounce", { key: () => "k", window: "10s", maxWait: "20s" }],
    ["an unknown option", { key: () => "k", window: "1s", every: "1s" }],
  ];
  for (const [what, dedupe] of badTask) {
    test(`task(): ${what}`, () => {
      const { spool } = make();
      expect(() => spool.task({ name: "t", dedupe: dedupe as never, run: () => 1 })).toThrow(
        InvalidArgumentError,
      );
    });
  }

  const badKeys: [string, (input: unknown) => unknown][] = [
    [
      "a key function that throws",
      () => {
        throw new Error("no user");
      },
    ],
    ["a key function returning a number", () => 42],
    ["a key function returning an empty string", () => ""],
    ["an async key function", async () => "k"],
    ["a key longer than 512 characters", () => "k".repeat(513)],
  ];
  for (const [what, key] of badKeys) {
    test(`enqueue(): ${what}`, async () => {
      const { spool } = make();
      const t = spool.task({
        name: "t",
        dedupe: { key: key as (i: unknown) => string, window: "1s" },
        run: () => 1,
      });
      await expect(t.enqueue({})).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        details: { argument: "dedupe.key" },
      });
      await expect(t.enqueueMany([{ input: 1 }, { input: 2 }])).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await count(spool)).toBe(0);
    });
  }

  test("a key function that throws keeps its error as the cause", async () => {
    const { spool } = make();
    const boom = new Error("no user");
    const t = spool.task({
      name: "t",
      dedupe: {
        key: () => {
          throw boom;
        },
        window: "1s",
      },
      run: () => 1,
    });
    await expect(t.enqueue(1)).rejects.toMatchObject({ cause: boom });
  });

  test("dedupe on a workflow node or schedule call is refused (it applies to enqueue only)", async () => {
    const { spool } = make();
    const t = spool.task({ name: "t", run: () => 1 });
    await expect(
      spool.chain(t.with(1, { dedupe: { key: "k", window: "1s" } })).enqueue(),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await count(spool)).toBe(0);
  });
});
