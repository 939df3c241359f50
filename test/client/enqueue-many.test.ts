/**
 * The enqueue path of the facade (`task.enqueueMany`, `spool.enqueueMany`) and `buildJob`:
 * what each job gets when options are omitted, shared, or differ call by call.
 */

import type { StandardSchemaV1 } from "@standard-schema/spec";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { UnknownTaskError, ValidationError } from "../../src/core/errors/index.js";
import { TaskRegistry } from "../../src/core/registry.js";
import type { EnqueueOptions } from "../../src/core/task.js";
import { buildJob } from "../../src/enqueue/build-job.js";

describe("buildJob", () => {
  const registry = new TaskRegistry();
  const task = registry.register({ name: "t", queue: "q", priority: 2, retry: 4, lease: "10s", run() {} });

  test("omitted options take the task's defaults, and every job gets its own meta and dependsOn", () => {
    const a = buildJob(task, { i: 1 }, undefined, 1000, 1024);
    const b = buildJob(task, { i: 2 }, undefined, 1000, 1024);
    expect(a).toMatchObject({
      task: "t",
      queue: "q",
      input: '{"i":1}',
      priority: 2,
      runAt: 1000,
      maxAttempts: 4,
      key: null,
      meta: {},
      dependsOn: [],
      leaseMs: 10_000,
      timeoutMs: null,
    });
    expect(a.id < b.id).toBe(true);
    expect(a.meta).not.toBe(b.meta);
    expect(a.dependsOn).not.toBe(b.dependsOn);
    a.meta.x = 1;
    a.dependsOn.push("y");
    expect(b).toMatchObject({ meta: {}, dependsOn: [] });
  });

  test("dependencies may be ids or handles; a null list (untyped callers) means none", () => {
    const built = buildJob(task, null, { dependsOn: ["a", { id: "b" }] }, 0, 1024);
    expect(built.dependsOn).toEqual(["a", "b"]);
    const none = buildJob(task, null, { dependsOn: null } as unknown as EnqueueOptions, 0, 1024);
    expect(none.dependsOn).toEqual([]);
  });
});

describe("enqueueMany", () => {
  let spool: Spool;
  afterEach(async () => {
    await spool?.close();
  });
  const open = () => (spool = createSpool({ backend: "memory://", logger: { level: "silent" } }));

  test("task.enqueueMany writes one job per item, in order, with per-item options", async () => {
    open();
    const t = spool.task({ name: "t", queue: "q", run: (input: { i: number }) => input.i });
    const shared: EnqueueOptions = { priority: 5 };
    const handles = await t.enqueueMany([
      { input: { i: 0 } },
      { input: { i: 1 }, options: shared },
      { input: { i: 2 }, options: shared },
      { input: { i: 3 }, options: { queue: "other", key: "k3" } },
    ]);
    const jobs = await Promise.all(handles.map((h) => h.get()));
    expect(jobs.map((j) => [j.input, j.queue, j.priority, j.key])).toEqual([
      [{ i: 0 }, "q", 0, null],
      [{ i: 1 }, "q", 5, null],
      [{ i: 2 }, "q", 5, null],
      [{ i: 3 }, "other", 0, "k3"],
    ]);
  });

  test("spool.enqueueMany resolves each call's task, however the names alternate", async () => {
    open();
    const a = spool.task({ name: "a", queue: "qa", run: () => "a" });
    spool.task({ name: "b", queue: "qb", run: () => "b" });
    const handles = await spool.enqueueMany([
      a.with(1),
      { task: "b", input: 2 },
      { task: "a", input: 3 },
      { task: "b", input: 4 },
      { task: "b", input: 5 },
    ]);
    const jobs = await Promise.all(handles.map((h) => h.get()));
    expect(jobs.map((j) => [j.task, j.queue, j.input])).toEqual([
      ["a", "qa", 1],
      ["b", "qb", 2],
      ["a", "qa", 3],
      ["b", "qb", 4],
      ["b", "qb", 5],
    ]);
  });

  test("an unknown task anywhere in the batch fails it and writes nothing", async () => {
    open();
    const a = spool.task({ name: "a", run: () => "a" });
    await expect(
      spool.enqueueMany([a.with(1), { task: "nope", input: 2 }, { task: "a", input: 3 }]),
    ).rejects.toSatisfy((e) => e instanceof UnknownTaskError && e.details?.index === 1);
    // A missing name (untyped callers) is an unknown task too, not a TypeError.
    await expect(spool.enqueue(undefined as unknown as string, 1)).rejects.toBeInstanceOf(UnknownTaskError);
    expect((await spool.jobs.list()).jobs).toEqual([]);
  });

  /** A Standard Schema for `{ n: number }` that doubles `n`, answering at once or in a promise. */
  const doubling = (async: boolean): StandardSchemaV1<{ n: number }, { n: number }> => ({
    "~standard": {
      version: 1,
      vendor: "test",
      validate(value) {
        const n = (value as { n?: unknown } | null)?.n;
        const result: StandardSchemaV1.Result<{ n: number }> =
          typeof n === "number"
            ? { value: { n: n * 2 } }
            : { issues: [{ message: "n must be a number", path: ["n"] }] };
        return async ? Promise.resolve(result) : result;
      },
    },
  });

  test.each([
    ["synchronous", false],
    ["asynchronous", true],
  ])(
    "a %s schema validates and transforms every item, and one bad item fails the batch",
    async (_name, async) => {
      open();
      const t = spool.task({ name: "s", schema: doubling(async), run: (input) => input.n });
      const handles = await t.enqueueMany([{ input: { n: 1 } }, { input: { n: 2 } }]);
      expect(await Promise.all(handles.map(async (h) => (await h.get()).input))).toEqual([
        { n: 2 },
        { n: 4 },
      ]);
      const err = await t
        .enqueueMany([{ input: { n: 3 } }, { input: { n: "x" as unknown as number } }])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues).toEqual([{ message: "n must be a number", path: ["n"] }]);
      expect((err as ValidationError).details).toMatchObject({ index: 1 }); // which item, 0-based
      expect((await spool.jobs.list()).jobs).toHaveLength(2);
    },
  );
});
