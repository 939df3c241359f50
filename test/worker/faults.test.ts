/**
 * Faults that escape a handler's promise (a throw in a timer, an unawaited rejection) in a real
 * `spool worker` process: each fails only its own job, with the real error recorded, and the
 * same process goes on running the other jobs. Before, each killed the worker and the jobs
 * beside it were re-run with only LEASE_EXPIRED recorded.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { JobFailedError } from "../../src/core/errors/index.js";
import { BIN, REPO, tempBackend } from "../cli/helpers.js";

const APP = join(REPO, "test/worker/fixtures/poison-app.ts");
let child: ChildProcess | null = null;
let client: Spool | null = null;
let backend: ReturnType<typeof tempBackend> | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await client?.close();
  backend?.cleanup();
});

async function failure(promise: Promise<unknown>): Promise<JobFailedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobFailedError);
  return err as JobFailedError;
}

test("a throw in a timer or an unawaited rejection fails only its job; the worker process goes on", async () => {
  backend = tempBackend();
  client = createSpool({ backend: backend.url, logger: { level: "silent" } });
  await client.backend();
  // Enqueue-side definitions only; the worker runs the app's handlers.
  for (const name of ["throws.in.timer", "unhandled.rejection", "throws.string.in.timer", "ok"])
    client.task({ name, retry: 1, run: () => undefined });
  const worker = spawn(process.execPath, [BIN, "--app", APP, "worker", "--concurrency", "4"], {
    cwd: REPO,
    env: { ...process.env, SPOOL_URL: backend.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = worker;
  let logs = "";
  worker.stderr!.on("data", (d) => (logs += d));
  worker.stdout!.on("data", (d) => (logs += d));
  const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));

  const enqueue = (task: string, input: unknown) => client!.enqueue(task, input);
  const timer = await enqueue("throws.in.timer", null);
  const rejection = await enqueue("unhandled.rejection", null);
  const stringy = await enqueue("throws.string.in.timer", null);
  const oks = await Promise.all([1, 2, 3, 4, 5].map((n) => enqueue("ok", n)));

  const [timerErr, rejectionErr, stringErr] = await Promise.all(
    [timer, rejection, stringy].map((j) => failure(j.result({ timeout: "120s" }))),
  );
  expect(timerErr!.lastError).toMatchObject({
    attempt: 1,
    name: "Error",
    message: "thrown inside a setTimeout callback",
  });
  expect(timerErr!.lastError?.stack).toContain("poison-app.ts");
  expect(rejectionErr!.lastError).toMatchObject({ attempt: 1, message: "a rejection nobody awaited" });
  expect(stringErr!.lastError).toMatchObject({
    attempt: 1,
    name: "NonErrorThrown",
    message: "a string thrown in setImmediate",
  });
  expect(await Promise.all(oks.map((j) => j.result({ timeout: "120s" })))).toEqual([2, 3, 4, 5, 6]);
  // More jobs after the faults still run in the same process: it never died.
  expect(await (await enqueue("ok", 41)).result({ timeout: "120s" })).toBe(42);
  expect(worker.exitCode).toBeNull();
  for (const j of [timer, rejection, stringy, ...oks]) expect((await j.get()).attempt).toBe(1);
  // The worker logs through its own stream: the line may reach this process's pipe after the
  // job's failure is stored and read back. Wait for it (a fact that stays true once seen).
  await expect
    .poll(() => logs, { timeout: 30_000, interval: 50 })
    .toContain("in a job's handler; the job fails with it");

  worker.kill("SIGTERM");
  expect(await exited).toBe(0);
}, 300_000);
