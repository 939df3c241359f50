/** Real subprocesses of `bin/spool.js`: the shipped entry point, signals and exit codes. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for.js";
import { APP, BIN, REPO, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
const children: ChildProcess[] = [];

beforeEach(() => {
  backend = tempBackend();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  backend.cleanup();
});

function spool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...process.env, SPOOL_URL: backend.url }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    children.push(child);
  });
}

describe("bin/spool.js", () => {
  it("prints the version", async () => {
    const r = await spool(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("exits 2 with the error code on malformed JSON, and writes nothing", async () => {
    const r = await spool(["--app", APP, "enqueue", "echo", "{nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: input is not valid JSON/);
    const stats = await spool(["stats", "--json"]);
    expect(JSON.parse(stats.stdout).totals.total).toBe(0);
  });

  it("exits 2 on an unknown task, and writes nothing", async () => {
    const r = await spool(["--app", APP, "enqueue", "nope", "{}"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[UNKNOWN_TASK\]: unknown task "nope"/);
    expect(JSON.parse((await spool(["stats", "--json"])).stdout).totals.total).toBe(0);
  });

  it("a `spool worker` process runs jobs enqueued by `spool enqueue` and exits 0 on SIGTERM", async () => {
    const worker = spawn(process.execPath, [BIN, "--app", APP, "worker", "--concurrency", "4"], {
      cwd: REPO,
      env: { ...process.env, SPOOL_URL: backend.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(worker);
    let logs = "";
    worker.stderr.on("data", (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => worker.on("exit", (code) => resolve(code)));

    const ids = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const input = JSON.stringify({ a: n, b: n });
        const r = await spool(["--app", APP, "enqueue", "math.add", input, "--wait", "--timeout", "90s"]);
        expect(r.code).toBe(0);
        const [id, ...result] = r.stdout.trim().split("\n");
        expect(JSON.parse(result.join("\n"))).toEqual({ sum: 2 * n });
        return id;
      }),
    );
    const waited = await spool([
      "--app",
      APP,
      "--json",
      "enqueue",
      "math.add",
      '{"a":20,"b":22}',
      "--wait",
      "--timeout",
      "90s",
    ]);
    expect(waited.stderr).toBe("");
    expect(JSON.parse(waited.stdout)).toMatchObject({ state: "completed", result: { sum: 42 } });
    // The README's follow-up command, verbatim: the worker process writes the `then` job with
    // the parent's completion and runs it (echo returns its input: the parent's result).
    const chained = await spool(["--app", APP, "enqueue", "math.add", '{"a":1,"b":2}', "--then", "echo"]);
    expect(chained.code, chained.stderr).toBe(0);
    const parent = chained.stdout.trim();
    const followUp = await waitFor(
      async () => {
        const ls = JSON.parse((await spool(["jobs", "ls", "--task", "echo", "--json"])).stdout);
        return ls.jobs.find(
          (j: { meta: { parent?: { id: string } }; state: string }) =>
            j.meta.parent?.id === parent && j.state === "completed",
        );
      },
      { timeout: 120_000, interval: 500 },
    );
    expect(followUp.result).toEqual({ sum: 3 });
    for (const [i, id] of ids.entries()) {
      const show = await spool(["jobs", "show", id!, "--json"]);
      const job = JSON.parse(show.stdout);
      expect(job).toMatchObject({ state: "completed", result: { sum: 2 * (i + 1) } });
    }
    expect(logs).toContain('"msg":"worker started"');

    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(logs).toContain("stopping gracefully");
    expect(logs).toContain('"msg":"worker stopped"');
    expect(JSON.parse((await spool(["stats", "--json"])).stdout).workers).toEqual([]);
    // Real processes (each a Node start-up, a tsx compile in a checkout without dist/): budgets
    // sized for a loaded 2-core machine, not a quiet one.
  }, 420_000);
});
