import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeProcess } from "./fake-process.js";
import { APP, cli, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
let base: string[];

beforeEach(() => {
  backend = tempBackend();
  base = ["--backend", backend.url, "--app", APP];
});
afterEach(() => backend.cleanup());

async function enqueue(task: string, json: string, ...extra: string[]): Promise<string> {
  const r = await cli([...base, "enqueue", task, json, ...extra]);
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

async function showJson(id: string) {
  const r = await cli(["--backend", backend.url, "jobs", "show", id, "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Runs `spool worker` in-process until `fn` is done, then sends SIGTERM; returns the worker's result. */
async function withWorker(fn: () => Promise<void>) {
  const proc = new FakeProcess();
  const running = cli([...base, "worker", "--concurrency", "4", "--lease", "5s", "--grace", "2s"], {
    process: proc,
  });
  try {
    await fn();
  } finally {
    proc.signal("SIGTERM");
  }
  return { result: await running, proc };
}

describe("spool jobs", () => {
  it("ls lists jobs newest first as a table, --json parses, filters and pages", async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueue("echo", JSON.stringify({ i })));
    const add = await enqueue("math.add", '{"a":1,"b":1}');

    const table = await cli(["--backend", backend.url, "jobs", "ls"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+TASK\s+QUEUE\s+STATE\s+ATTEMPT\s+PRIORITY\s+CREATED/);
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain(add);
    expect(lines[1]).toMatch(/math\.add\s+math\s+queued\s+0\/3/);

    const math = JSON.parse(
      (await cli(["--backend", backend.url, "--json", "jobs", "ls", "--queue", "math"])).stdout,
    );
    expect(math.jobs.map((j: { id: string }) => j.id)).toEqual([add]);
    const byTask = JSON.parse(
      (await cli(["--backend", backend.url, "jobs", "ls", "--task", "echo", "--json"])).stdout,
    );
    expect(byTask.jobs).toHaveLength(5);
    expect(byTask.jobs[0].input).toEqual({ i: 4 });

    const page1 = JSON.parse(
      (await cli(["--backend", backend.url, "--json", "jobs", "ls", "--limit", "4"])).stdout,
    );
    expect(page1.jobs).toHaveLength(4);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = JSON.parse(
      (
        await cli([
          "--backend",
          backend.url,
          "--json",
          "jobs",
          "ls",
          "--limit",
          "4",
          "--cursor",
          page1.nextCursor,
        ])
      ).stdout,
    );
    expect(page2.jobs.map((j: { id: string }) => j.id)).toEqual([ids[1], ids[0]]);
    expect(page2.nextCursor).toBeNull();

    const quiet = await cli(["--backend", backend.url, "-q", "jobs", "ls", "--state", "queued"]);
    expect(quiet.stdout.trim().split("\n")).toHaveLength(6);
  });

  it("ls refuses an unknown state or a bad limit with exit 2", async () => {
    const state = await cli(["--backend", backend.url, "jobs", "ls", "--state", "active"]);
    expect(state.code).toBe(2);
    expect(state.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: --state: unknown state "active"/);
    const limit = await cli(["--backend", backend.url, "jobs", "ls", "--limit", "0"]);
    expect(limit.code).toBe(2);
  });

  it("a worker runs the jobs; show prints result, progress, logs and error history; retry, cancel, rm act", async () => {
    const add = await enqueue("math.add", '{"a":2,"b":3}');
    let failed = "";
    const { result, proc } = await withWorker(async () => {
      const wait = await cli([
        ...base,
        "enqueue",
        "math.add",
        '{"a":40,"b":2}',
        "--wait",
        "--timeout",
        "20s",
      ]);
      expect(wait.code).toBe(0);
      expect(wait.stdout.trim().split("\n")[1]).toBe('{\n  "sum": 42\n}'.split("\n")[0]);
      expect(JSON.parse(wait.stdout.slice(wait.stdout.indexOf("\n") + 1))).toEqual({ sum: 42 });
      const fails = await cli([...base, "enqueue", "always.fails", "{}", "--wait", "--timeout", "20s"]);
      expect(fails.code).toBe(1);
      expect(fails.stderr).toMatch(/error \[JOB_FAILED\]: job \S+ failed: this task always fails/);
      failed = fails.stdout.trim();
      const stats = JSON.parse((await cli(["--backend", backend.url, "stats", "--json"])).stdout);
      expect(stats.workers).toHaveLength(1);
      expect(stats.workers[0]).toMatchObject({ concurrency: 4, queues: ["default", "math"] });
      await cli([...base, "enqueue", "math.add", '{"a":0,"b":0}', "--wait", "--timeout", "20s"]);
    });
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(proc.exitCode).toBeNull();

    const done = await showJson(add);
    expect(done).toMatchObject({
      state: "completed",
      result: { sum: 5 },
      attempt: 1,
      progress: { percent: 100 },
    });
    expect(done.logs).toEqual([
      expect.objectContaining({ level: "info", message: expect.stringContaining("adding numbers") }),
    ]);
    const text = await cli(["--backend", backend.url, "jobs", "show", add]);
    expect(text.stdout).toMatch(/^id\s+\S+\ntask\s+math\.add\n/);
    expect(text.stdout).toMatch(/state\s+completed/);
    expect(text.stdout).toContain('result:\n  {\n    "sum": 5\n  }');
    expect(text.stdout).toMatch(/progress\s+100%/);
    expect(text.stdout).toContain("info   adding numbers");

    const dead = await cli(["--backend", backend.url, "jobs", "show", failed]);
    expect(dead.stdout).toMatch(
      /errors \(1\):\n {2}attempt 1 at \S+: NonRetriableError \[NON_RETRIABLE\]: this task always fails\n {4}NonRetriableError: this task always fails\n {4}\s*at /,
    );
    const ls = await cli(["--backend", backend.url, "jobs", "ls", "--state", "failed"]);
    expect(ls.stdout).toContain(failed);
    expect(ls.stdout).toContain("this task always fails");

    const retried = await cli(["--backend", backend.url, "jobs", "retry", failed]);
    expect(retried).toMatchObject({ code: 0, stdout: `retried ${failed}\n` });
    expect((await showJson(failed)).state).toBe("queued");
    const refused = await cli(["--backend", backend.url, "jobs", "retry", add, "nope"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error [INVALID_STATE]: cannot retry job ${add}: it is completed`);
    expect(refused.stderr).toContain('error [NOT_FOUND]: job "nope" not found');

    const cancelled = await cli([
      "--backend",
      backend.url,
      "--json",
      "jobs",
      "cancel",
      failed,
      "--reason",
      "test",
    ]);
    expect(JSON.parse(cancelled.stdout)).toEqual({ cancelled: [failed], skipped: [] });
    expect((await showJson(failed)).state).toBe("cancelled");

    const removed = await cli(["--backend", backend.url, "jobs", "rm", failed, add]);
    expect(removed).toMatchObject({ code: 0, stdout: `removed ${failed}\nremoved ${add}\n` });
    const gone = await cli(["--backend", backend.url, "jobs", "show", add]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`error [NOT_FOUND]: job "${add}" not found\n`);
  });

  it("worker needs --app (exit 2)", async () => {
    const r = await cli(["--backend", backend.url, "worker"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: spool worker needs --app MODULE/);
  });

  it("worker: a second signal exits 1 at once", async () => {
    const proc = new FakeProcess();
    await enqueue("sleep", '{"ms":60000}');
    const running = cli([...base, "worker", "--grace", "30s"], { process: proc });
    // Wait for the job to be running, then signal twice.
    for (let i = 0; i < 200; i++) {
      const page = JSON.parse(
        (await cli(["--backend", backend.url, "--json", "jobs", "ls", "--state", "running"])).stdout,
      );
      if (page.jobs.length) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    proc.signal("SIGTERM");
    proc.signal("SIGINT");
    expect(proc.exitCode).toBe(1);
    // The fake exit does not end the process: finish the graceful stop by cancelling the job.
    const [job] = JSON.parse((await cli(["--backend", backend.url, "--json", "jobs", "ls"])).stdout).jobs;
    await cli(["--backend", backend.url, "jobs", "cancel", job.id]);
    expect((await running).code).toBe(0);
  });
});
