/**
 * `spool worker --isolate process` as shipped: the children load the `--app` module, a
 * `for (;;) {}` past its timeout is killed and retried, and handlers run outside the worker's pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { BIN, REPO, tempBackend } from "../cli/helpers.js";
import { defineTasks } from "./fixtures/isolated-app.js";

const APP = join(REPO, "test/worker/fixtures/isolated-app.ts");
let child: ChildProcess | null = null;
let client: Spool | null = null;
let backend: ReturnType<typeof tempBackend> | null = null;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await client?.close();
  backend?.cleanup();
});

test("spool worker --isolate process runs handlers in children of the --app module", async () => {
  backend = tempBackend();
  client = createSpool({ backend: backend.url, logger: { level: "silent" } });
  await client.backend();
  const t = defineTasks(client);
  const worker = spawn(
    process.execPath,
    [BIN, "--app", APP, "worker", "--concurrency", "2", "--isolate", "process"],
    {
      cwd: REPO,
      env: { ...process.env, SPOOL_URL: backend.url },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child = worker;
  let logs = "";
  worker.stderr!.on("data", (d) => (logs += d));
  worker.stdout!.on("data", (d) => (logs += d));
  const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));

  const spin = await t.spin.enqueue(null);
  const who = await t.whoami.enqueue(5);
  const result = (await who.result({ timeout: "120s" })) as { n: number; by: string };
  expect(result.n).toBe(5);
  expect(result.by.split("/")[0]).not.toBe(String(worker.pid));
  expect(await spin.result({ timeout: "120s" })).toMatchObject({ attempt: 2 });
  expect((await spin.get()).errors[0]).toMatchObject({ attempt: 1, code: "TIMEOUT" });
  expect(logs).toContain("isolated handler ignored its signal");

  worker.kill("SIGTERM");
  expect(await exited).toBe(0);
}, 300_000);
