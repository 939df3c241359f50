/**
 * Inline test mode (`backend: "inline"`): jobs run before enqueue resolves, through the
 * same execute path as the worker, so retries, NonRetriableError, timeouts and result
 * serialization behave as in production — only backoff and delays are not waited for.
 */
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { JobFailedError, NonRetriableError } from "../../src/core/errors/index.js";

describe("inline mode", () => {
  let spool: Spool;
  afterEach(async () => {
    await spool?.close();
  });
  const open = () => (spool = createSpool({ backend: "inline", logger: { level: "silent" } }));

  test("a job runs during enqueue and its result is ready", async () => {
    open();
    const calls: number[] = [];
    const double = spool.task({
      name: "double",
      run: async (input: { n: number }) => {
        calls.push(input.n);
        return { twice: input.n * 2, when: new Date(5) };
      },
    });
    const job = await double.enqueue({ n: 21 });
    expect(calls).toEqual([21]);
    expect(await job.state()).toBe("completed");
    expect(await job.result()).toEqual({ twice: 42, when: new Date(5) });
    expect(spool.inline).toBe(true);
  });

  test("a delayed job runs at once: tests never wait on the wall clock", async () => {
    open();
    const t = spool.task({ name: "later", run: async () => "now" });
    const job = await t.enqueue(undefined, { delay: "1h" });
    expect(await job.result()).toBe("now");
  });

  test("a failing job is retried with the same attempt semantics as a worker", async () => {
    open();
    const t = spool.task({
      name: "flaky",
      retry: { attempts: 4, backoff: { type: "fixed", delay: "1h" } },
      run: async (_: undefined, ctx) => {
        if (ctx.attempt < 3) throw new Error(`fail ${ctx.attempt}`);
        return ctx.attempt;
      },
    });
    const job = await t.enqueue(undefined);
    expect(await job.result()).toBe(3);
    const info = await job.get();
    expect(info.attempt).toBe(3);
    expect(info.errors.map((e) => [e.attempt, e.message])).toEqual([
      [1, "fail 1"],
      [2, "fail 2"],
    ]);
  });

  test("a job that keeps failing does not throw from enqueue; result() throws JobFailedError", async () => {
    open();
    let runs = 0;
    const t = spool.task({
      name: "broken",
      retry: 2,
      run: async () => {
        runs++;
        throw new Error("always");
      },
    });
    const job = await t.enqueue(undefined);
    expect(runs).toBe(2);
    const err = (await job.result().catch((e: unknown) => e)) as JobFailedError;
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err.state).toBe("failed");
    expect(err.lastError).toMatchObject({ attempt: 2, message: "always" });
  });

  test("NonRetriableError fails at once and a timeout fails the attempt, as with a worker", async () => {
    open();
    let runs = 0;
    const hopeless = spool.task({
      name: "hopeless",
      retry: 5,
      run: async () => {
        runs++;
        throw new NonRetriableError("no such template");
      },
    });
    const slow = spool.task({
      name: "slow",
      retry: 2,
      timeout: 30,
      run: (_: undefined, ctx) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
        ),
    });
    const a = await hopeless.enqueue(undefined);
    expect(runs).toBe(1);
    expect(await a.get()).toMatchObject({ state: "failed", attempt: 1 });
    const b = await slow.enqueue(undefined);
    const err = (await b.result().catch((e: unknown) => e)) as JobFailedError;
    expect(err.lastError).toMatchObject({ attempt: 2, code: "TIMEOUT" });
  });

  test("an enqueue that overlaps another one's run still resolves only after its own job ran", async () => {
    open();
    const t = spool.task({
      name: "slowish",
      run: async (input: number) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return input;
      },
    });
    const first = t.enqueue(1);
    const second = await t.enqueue(2);
    expect(await second.state()).toBe("completed");
    expect(await second.result()).toBe(2);
    expect(await (await first).result()).toBe(1);
  });

  test("a job enqueued by a handler runs too, before the outer enqueue resolves", async () => {
    open();
    const seen: string[] = [];
    const child = spool.task({
      name: "child",
      run: async (input: { from: string }) => {
        seen.push(`child of ${input.from}`);
      },
    });
    const parent = spool.task({
      name: "parent",
      run: async () => {
        seen.push("parent");
        await child.enqueue({ from: "parent" });
      },
    });
    await parent.enqueue(undefined);
    expect(seen).toEqual(["parent", "child of parent"]);
  });
});
