/**
 * The Python client package (clients/python) against a real spool server: installs it with
 * `pip install ./clients/python` into a fresh virtual environment (offline: its build backend
 * is in the package), then runs its unittest suite (clients/python/tests) against the server,
 * on the embedded SQLite backend. Flask's tests run when Flask is importable (see python.ts).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "../../src/index.js";
import { ADMIN, READ, startTestServer, type TestServer } from "../http/helpers.js";
import { flaskAvailable, PYTHON, requireFlask } from "../support/python.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const pkg = join(root, "clients/python");

let t: TestServer;
let worker: Worker;
let tmp: string;
let venvPython: string;
let workflowId: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "spool-pyclient-"));
  // --system-site-packages: Flask comes from the system (Debian's python3-flask), not an index.
  await run(PYTHON, ["-m", "venv", "--system-site-packages", join(tmp, "venv")], { timeout: 120_000 });
  venvPython = join(tmp, "venv/bin/python");
  // The documented command, run from the repository root; no index is needed.
  await run(join(tmp, "venv/bin/pip"), ["install", "--no-index", "--quiet", "./clients/python"], {
    cwd: root,
    timeout: 120_000,
  });

  t = await startTestServer({}, `sqlite://${join(tmp, "spool.db")}`);
  const sum = t.spool.task({ name: "py.sum", run: (i: { a: number; b: number }) => i.a + i.b });
  t.spool.schedule("py-nightly", { cron: "0 3 * * *" }, sum.with({ a: 1, b: 2 }));
  // Jobs of queue `held` never run here (no worker serves it): the workflow stays running.
  const hold = t.spool.task({ name: "py.hold", queue: "held", run: (n: number) => n });
  const wf = await t.spool.chain(hold.with(1), hold.with(2), hold.with(3)).enqueue({ name: "py-chain" });
  workflowId = wf.id;
  worker = t.spool.worker({ queues: ["default", "echo", "gated", "sse"], concurrency: 8 });
  await worker.start();
}, 240_000);

afterAll(async () => {
  await worker?.stop({ grace: "2s" });
  await t?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function unittest(pattern: string): Promise<string> {
  const env = {
    ...process.env,
    SPOOL_API: t.url,
    SPOOL_TOKEN: ADMIN,
    SPOOL_READ_TOKEN: READ,
    SPOOL_TEST_WORKFLOW: workflowId,
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const tests = join(pkg, "tests");
  try {
    const { stderr } = await run(
      venvPython,
      ["-m", "unittest", "discover", "-v", "-s", tests, "-t", tests, "-p", pattern],
      { cwd: tmp, env, timeout: 180_000 },
    );
    return stderr;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    throw new Error(`python unittest failed:\n${e.stderr ?? ""}${e.stdout ?? ""}`);
  }
}

describe("Python client package", () => {
  it("installs offline and passes its unittest suite against a real server", async () => {
    const out = await unittest("test_client.py");
    const ran = /Ran (\d+) tests?/.exec(out);
    expect(ran, out).not.toBeNull();
    expect(Number(ran![1])).toBe(21);
    expect(out).toMatch(/\nOK\s*$/);
    expect(out).not.toMatch(/skipped/);
    // What the Python side did is visible from here too: the cancelled workflow, the run-now job.
    expect((await t.spool.workflow(workflowId).get()).state).toBe("cancelled");
    const nightly = (await t.spool.schedules.list()).find((s) => s.name === "py-nightly");
    expect(nightly?.lastJobId).toBeTruthy();
  }, 240_000);

  describe("Flask integration", () => {
    requireFlask("the spool_client.flask tests");
    it.skipIf(!flaskAvailable)(
      "reads URL and token from the app config",
      async () => {
        const out = await unittest("test_flask.py");
        expect(out).toMatch(/Ran 2 tests/);
        expect(out).toMatch(/\nOK\s*$/);
      },
      120_000,
    );
  });
});
