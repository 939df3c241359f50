/**
 * Talking to running jobs: cancel, progress through job.events(), ctx.log lines, and the
 * ways job.result() ends (value, TimeoutError, JobFailedError).
 */
import { afterEach, describe, expect, test } from "vitest";
import { JobCancelledError, JobFailedError, TimeoutError } from "../../src/core/errors/index.js";
import type { JobEvent } from "../../src/core/task.js";
import { deferred, waitFor } from "../support/wait-for.js";
import { BACKEND_KINDS, createHarness, type Harness, sleep } from "./harness.js";

describe.each(BACKEND_KINDS)("job control on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    expect(h.subscriptions).toBe(0);
    expect(h.workerErrors).toEqual([]);
  });

  test("cancelling a running job aborts its handler with JobCancelledError and the job stays cancelled", async () => {
    h = await createHarness(kind);
    const started = deferred();
    const reasons: unknown[] = [];
    const t = h.spool.task({
      name: "cancellable",
      retry: 3,
      run: async (_: undefined, ctx) => {
        started.resolve();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
        reasons.push(ctx.signal.reason);
        return "returned after the cancel"; // must not overwrite the cancellation
      },
    });
    const job = await t.enqueue(undefined);
    const worker = h.worker();
    const lost: string[] = [];
    worker.on("lease:lost", (id, why) => lost.push(`${id}:${why}`));
    await worker.start();
    await started.promise;
    expect(await job.state()).toBe("running");
    expect(await job.cancel("no longer needed")).toBe(true);
    await waitFor(() => reasons.length === 1, { message: "the handler saw the abort" });
    expect(reasons[0]).toBeInstanceOf(JobCancelledError);
    expect((reasons[0] as JobCancelledError).jobId).toBe(job.id);
    await waitFor(() => worker.activeCount === 0, { message: "the worker let go of the job" });
    const info = await job.get();
    expect(info.state).toBe("cancelled");
    expect(info.result).toBeUndefined();
    expect(lost).toEqual([`${job.id}:cancelled`]);
    const err = await job.result({ timeout: "5s" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect((err as JobFailedError).state).toBe("cancelled");
  });

  test("progress reported by the handler arrives through job.events(), then completed", async () => {
    h = await createHarness(kind);
    let open = false;
    const t = h.spool.task({
      name: "reports",
      run: async (_: undefined, ctx) => {
        // Report until the test has seen a report, so it cannot miss the start of the stream.
        while (!open) {
          await ctx.progress(10, "warming up");
          await sleep(20);
        }
        await ctx.progress(50, "half way");
        await ctx.progress(90, "almost");
        return "done";
      },
    });
    const job = await t.enqueue(undefined);
    const events: JobEvent[] = [];
    const reading = (async () => {
      for await (const e of job.events()) events.push(e);
    })();
    await h.worker().start();
    await waitFor(() => events.some((e) => e.type === "progress"), { message: "a first progress event" });
    open = true;
    await reading;
    const progress = events.filter((e) => e.type === "progress").map((e) => e.data?.percent);
    expect(progress.slice(-2)).toEqual([50, 90]);
    expect(events.find((e) => e.data?.percent === 50)?.data?.message).toBe("half way");
    expect(events.at(-1)).toMatchObject({ type: "completed", jobId: job.id, state: "completed" });
    expect((await job.get()).progress?.percent).toBe(100);
  });

  test("lines written with ctx.log are stored with the job and its attempt", async () => {
    h = await createHarness(kind);
    const t = h.spool.task({
      name: "chatty",
      retry: { attempts: 2, backoff: { type: "fixed", delay: 10 } },
      run: async (input: { n: number }, ctx) => {
        ctx.log.info("rendering", { page: input.n });
        ctx.log.warn(`attempt ${ctx.attempt}`);
        if (ctx.attempt === 1) throw new Error("first try fails");
        ctx.log.error("last words");
        return input.n;
      },
    });
    const job = await t.enqueue({ n: 7 });
    await h.worker().start();
    expect(await job.result({ timeout: "10s" })).toBe(7);
    const lines = await waitFor(
      async () => {
        const l = await h.backend.jobLogs({ id: job.id });
        return l.length === 5 ? l : null;
      },
      { message: "five stored log lines" },
    );
    expect(lines.map((l) => [l.attempt, l.level, l.message])).toEqual([
      [1, "info", 'rendering {"page":7}'],
      [1, "warn", "attempt 1"],
      [2, "info", 'rendering {"page":7}'],
      [2, "warn", "attempt 2"],
      [2, "error", "last words"],
    ]);
  });

  test("job.result() with a timeout throws TimeoutError and leaves the job alone", async () => {
    h = await createHarness(kind);
    const t = h.spool.task({ name: "never-run", run: async () => 1 });
    const job = await t.enqueue(undefined);
    const started = Date.now();
    const err = await job.result({ timeout: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await job.state()).toBe("queued");
  });

  test("job.result() of a failed job throws JobFailedError with the last error", async () => {
    h = await createHarness(kind);
    const t = h.spool.task({
      name: "fails",
      retry: 1,
      run: async () => {
        throw new TypeError("bad page size");
      },
    });
    const job = await t.enqueue(undefined);
    await h.worker().start();
    const err = (await job.result({ timeout: "10s" }).catch((e: unknown) => e)) as JobFailedError;
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err).toMatchObject({ code: "JOB_FAILED", state: "failed", jobId: job.id });
    expect(err.lastError).toMatchObject({ name: "TypeError", message: "bad page size", attempt: 1 });
    expect(err.message).toBe(`job ${job.id} failed: bad page size`);
  });
});
