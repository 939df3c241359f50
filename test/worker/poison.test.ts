/**
 * Poison handlers without isolation: non-Error throws, unserializable results and huge error
 * messages fail only their own job with a readable, bounded error record.
 */
import { statSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { JobFailedError } from "../../src/core/errors/index.js";
import { ERROR_MESSAGE_MAX, ERROR_STACK_MAX } from "../../src/worker/error-record.js";
import { BACKEND_KINDS, createHarness, type Harness } from "./harness.js";

async function failure(promise: Promise<unknown>): Promise<JobFailedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobFailedError);
  return err as JobFailedError;
}

describe.each(BACKEND_KINDS)("poison handlers on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
    expect(h.workerErrors).toEqual([]);
  });

  test("a thrown string, undefined or cyclic object fails the job with a readable record; the worker goes on", async () => {
    h = await createHarness(kind);
    const cyclic: Record<string, unknown> = { reason: "loop" };
    cyclic.self = cyclic;
    const throwers: Record<string, unknown> = { string: "plain string", undefined: undefined, cyclic };
    const t = h.spool.task({
      name: "throws",
      retry: 1,
      run: (which: string) => {
        throw throwers[which];
      },
    });
    const ok = h.spool.task({ name: "ok", run: (n: number) => n * 2 });
    const jobs = await Promise.all(Object.keys(throwers).map((k) => t.enqueue(k)));
    const good = await Promise.all([1, 2, 3].map((n) => ok.enqueue(n)));
    await h.worker({ concurrency: 2 }).start();
    const errs = await Promise.all(jobs.map((j) => failure(j.result({ timeout: "20s" }))));
    expect(errs.map((e) => e.lastError?.name)).toEqual([
      "NonErrorThrown",
      "NonErrorThrown",
      "NonErrorThrown",
    ]);
    expect(errs[0]!.lastError?.message).toBe("plain string");
    expect(errs[1]!.lastError?.message).toBe("undefined");
    expect(errs[2]!.lastError?.message).toContain("reason: 'loop'");
    expect(errs[2]!.lastError?.message).toContain("[Circular");
    expect(await Promise.all(good.map((j) => j.result({ timeout: "20s" })))).toEqual([2, 4, 6]);
  });

  test("a result with a cycle or a function fails without retrying, naming the path", async () => {
    h = await createHarness(kind);
    let runs = 0;
    const t = h.spool.task({
      name: "bad-result",
      retry: 3,
      run: (which: string) => {
        runs++;
        if (which === "fn") return { nested: { fn: () => 1 } };
        const cycle: Record<string, unknown> = { a: 1 };
        cycle.back = cycle;
        return cycle;
      },
    });
    const fn = await t.enqueue("fn");
    const cycle = await t.enqueue("cycle");
    await h.worker().start();
    const fnErr = await failure(fn.result({ timeout: "20s" }));
    const cycleErr = await failure(cycle.result({ timeout: "20s" }));
    expect(fnErr.lastError).toMatchObject({ attempt: 1, code: "UNSERIALIZABLE" });
    expect(fnErr.lastError?.message).toContain("nested.fn");
    expect(cycleErr.lastError).toMatchObject({ attempt: 1, code: "UNSERIALIZABLE" });
    expect(cycleErr.lastError?.message).toContain("back");
    expect(runs).toBe(2);
  });

  test("a 50 MB error message is stored truncated to the documented limit", async () => {
    h = await createHarness(kind);
    const huge = "m".repeat(50 * 1024 * 1024);
    const t = h.spool.task({
      name: "huge-error",
      retry: 2,
      run: () => {
        throw new Error(huge);
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    const err = await failure(job.result({ timeout: "30s" }));
    const info = await job.get();
    expect(info.errors).toHaveLength(2);
    for (const e of info.errors) {
      expect(e.message.startsWith("m".repeat(ERROR_MESSAGE_MAX))).toBe(true);
      expect(e.message).toMatch(/… \[\d+ more characters truncated\]$/);
      expect(e.message.length).toBeLessThan(ERROR_MESSAGE_MAX + 100);
      expect(e.stack!.length).toBeLessThan(ERROR_STACK_MAX + 100);
    }
    expect(err.lastError?.message.length).toBeLessThan(ERROR_MESSAGE_MAX + 100);
    if (kind === "sqlite") {
      // Before the fix two such jobs wrote 665-903 MiB to the store.
      const db = (h as unknown as { file: string }).file;
      const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
      expect(size(db) + size(`${db}-wal`)).toBeLessThan(8 * 1024 * 1024);
    }
  });
});
