/**
 * Per-task in-process hooks (core/hooks.ts, worker/hooks.ts) with a real worker on memory and on
 * a SQLite file: onSuccess after the handler returned and BEFORE the completion is written
 * (at-least-once), onFailure on the final failure only; a hook's error is logged and never
 * changes the outcome; neither runs for a retry or a RateLimitedError backoff. A hook that
 * hangs is abandoned after its budget (execute() with a short budget). Bad hooks: typed errors.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { MemoryBackend } from "../../src/backend/memory/memory-backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { systemClock } from "../../src/core/clock.js";
import { InvalidArgumentError, RateLimitedError } from "../../src/core/errors/index.js";
import type { JobHookContext } from "../../src/core/hooks.js";
import { TaskRegistry } from "../../src/core/registry.js";
import type { JobErrorRecord, JobState } from "../../src/core/types.js";
import { execute } from "../../src/worker/execute.js";
import { JobControl } from "../../src/worker/job-control.js";

const dir = mkdtempSync(join(tmpdir(), "spool-hooks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let spool: Spool | undefined;
afterEach(async () => {
  await spool?.close();
  spool = undefined;
});

/** A client whose warnings land in `warnings` (the hooks' failures are logged there). */
function client(url: string): { spool: Spool; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "warn" },
    { write: (line: string) => warnings.push(JSON.parse(line) as Record<string, unknown>) },
  );
  spool = createSpool({ backend: url, logger });
  return { spool, warnings };
}

describe.each([
  ["memory", () => "memory://"],
  ["sqlite", () => `sqlite://${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`],
])("hooks on %s", (_name, url) => {
  test("onSuccess runs once, before the completion is written, with the stored result and the input", async () => {
    const { spool } = client(url());
    const calls: { result: unknown; job: JobHookContext; stateThen: JobState | undefined }[] = [];
    const t = spool.task({
      name: "ok",
      run: (input: { n: number }) => ({ doubled: input.n * 2, at: new Date(0) }),
      onSuccess: async (result, job) => {
        const stateThen = (await spool.jobs.get(job.id))?.state;
        calls.push({ result, job, stateThen });
      },
    });
    const job = await t.enqueue({ n: 21 });
    const worker = spool.worker({ pollInterval: 50 });
    await worker.start();
    expect(await job.result({ timeout: "20s" })).toEqual({ doubled: 42, at: new Date(0) });
    await worker.stop();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.result).toEqual({ doubled: 42, at: new Date(0) });
    expect(calls[0]!.job).toMatchObject({ id: job.id, task: "ok", attempt: 1, input: { n: 21 } });
    // At-least-once: the hook ran while the job was still running (its outcome not yet written).
    expect(calls[0]!.stateThen).toBe("running");
  });

  test("a hook that throws is logged; the job completes (or fails) as it would without it", async () => {
    const { spool, warnings } = client(url());
    const good = spool.task({
      name: "good",
      run: () => "fine",
      onSuccess: () => {
        throw new Error("hook broke");
      },
    });
    const bad = spool.task({
      name: "bad",
      retry: 1,
      run: () => {
        throw new Error("handler broke");
      },
      onFailure: async () => {
        throw new Error("failure hook broke");
      },
    });
    const a = await good.enqueue(null);
    const b = await bad.enqueue(null);
    const worker = spool.worker({ pollInterval: 50 });
    await worker.start();
    expect(await a.result({ timeout: "20s" })).toBe("fine");
    await expect.poll(async () => (await b.get()).state, { timeout: 20_000 }).toBe("failed");
    await worker.stop();
    expect((await b.get()).errors.map((e) => e.message)).toEqual(["handler broke"]);
    const logged = warnings.filter((w) => typeof w.hook === "string");
    expect(logged.map((w) => [w.hook, w.jobId]).sort()).toEqual([
      ["onFailure", b.id],
      ["onSuccess", a.id],
    ]);
  });

  test("onFailure runs once, on the final failure only, with the last error record", async () => {
    const { spool } = client(url());
    const seen: { error: JobErrorRecord; attempt: number }[] = [];
    let successes = 0;
    const t = spool.task({
      name: "flaky",
      retry: { attempts: 3, backoff: { type: "fixed", delay: "10ms" } },
      run: (_input: null, ctx) => {
        throw new Error(`boom ${ctx.attempt}`);
      },
      onSuccess: () => {
        successes++;
      },
      onFailure: (error, job) => {
        seen.push({ error, attempt: job.attempt });
      },
    });
    const job = await t.enqueue(null);
    const worker = spool.worker({ pollInterval: 50 });
    await worker.start();
    await expect.poll(async () => (await job.get()).state, { timeout: 20_000 }).toBe("failed");
    await worker.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ attempt: 3, error: { attempt: 3, message: "boom 3" } });
    expect(successes).toBe(0);
  });

  test("a RateLimitedError backoff runs no hook; the later completion runs onSuccess once", async () => {
    const { spool } = client(url());
    const hooks: string[] = [];
    const t = spool.task({
      name: "limited",
      run: () => {
        if (hooks.length === 0) {
          hooks.push("ran");
          throw new RateLimitedError({ retryAfter: "50ms", scope: "job" });
        }
        return "done";
      },
      onSuccess: () => {
        hooks.push("success");
      },
      onFailure: () => {
        hooks.push("failure");
      },
    });
    const job = await t.enqueue(null);
    const worker = spool.worker({ pollInterval: 50 });
    await worker.start();
    expect(await job.result({ timeout: "20s" })).toBe("done");
    await worker.stop();
    expect(hooks).toEqual(["ran", "success"]);
  });
});

test("a hook that never settles is abandoned after its budget: the outcome is decided anyway", async () => {
  const backend = new MemoryBackend(systemClock);
  const registry = new TaskRegistry();
  const warnings: unknown[] = [];
  const task = registry.register({
    name: "hang",
    run: () => 7,
    onSuccess: () => new Promise<void>(() => {}),
  });
  await backend.jobEnqueue({
    jobs: [
      {
        id: "0190a000-0000-7000-8000-000000000001",
        task: "hang",
        queue: "default",
        input: "null",
        priority: 0,
        runAt: 0,
        maxAttempts: 1,
        key: null,
        meta: {},
        dependsOn: [],
        leaseMs: null,
        timeoutMs: null,
      },
    ],
  });
  const { jobs } = await backend.jobClaim({ queues: ["default"], limit: 1, workerId: "w", leaseMs: 30_000 });
  const started = Date.now();
  const execution = execute(task, jobs[0]!, new JobControl(), {
    backend,
    clock: systemClock,
    payloadLimit: 1_000_000,
    taskLogger: () => {
      throw new Error("unused");
    },
    resolveInput: () => null,
    logger: { warn: (obj: unknown) => void warnings.push(obj) },
    hookTimeoutMs: 100,
  });
  expect(await execution.outcome).toEqual({ kind: "completed", result: "7" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  expect(warnings).toEqual([expect.objectContaining({ hook: "onSuccess", timeoutMs: 100 })]);
  await backend.close();
});

test("hooks that are not functions are refused at task()", () => {
  const s = createSpool({ backend: "memory://", logger: { level: "silent" } });
  expect(() => s.task({ name: "a", run: () => 1, onSuccess: "no" as never })).toThrow(InvalidArgumentError);
  expect(() => s.task({ name: "b", run: () => 1, onFailure: 3 as never })).toThrow(InvalidArgumentError);
  void s.close();
});
