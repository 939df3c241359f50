import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSpool } from "../../src/index.js";
import { waitFor } from "../support/wait-for.js";
import { APP, cli, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
let base: string[];

beforeEach(() => {
  backend = tempBackend();
  base = ["--backend", backend.url, "--app", APP];
});
afterEach(() => backend.cleanup());

async function jobCount(): Promise<number> {
  const r = await cli(["--backend", backend.url, "stats", "--json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { totals: { total: number } }).totals.total;
}

describe("spool enqueue", () => {
  it("enqueues a job and prints its id", async () => {
    const r = await cli([...base, "enqueue", "math.add", '{"a":1,"b":2}']);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const show = await cli(["--backend", backend.url, "jobs", "show", id, "--json"]);
    const job = JSON.parse(show.stdout);
    expect(job).toMatchObject({
      id,
      task: "math.add",
      queue: "math",
      state: "queued",
      input: { a: 1, b: 2 },
    });
  });

  it("says so when the drop-newest strategy drops the job, and writes nothing", async () => {
    const first = await cli([...base, "enqueue", "sync.once", '{"user":"u1"}']);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const second = await cli([...base, "enqueue", "sync.once", '{"user":"u1"}', "--wait"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain("dropped");
    const json = await cli([...base, "--json", "enqueue", "sync.once", '{"user":"u1"}']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ id: expect.any(String), created: false, dropped: true });
    expect(await jobCount()).toBe(1);
  });

  it("prints JSON with --json", async () => {
    const r = await cli([...base, "--json", "enqueue", "echo", '"hi"']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: expect.any(String), created: true });
  });

  it("applies --delay, --priority, --queue and --key", async () => {
    const args = [
      "enqueue",
      "echo",
      "{}",
      "--delay",
      "10m",
      "--priority",
      "7",
      "--queue",
      "side",
      "--key",
      "k1",
    ];
    const first = await cli([...base, "--json", ...args]);
    expect(first.code).toBe(0);
    const { id } = JSON.parse(first.stdout);
    const job = JSON.parse((await cli(["--backend", backend.url, "--json", "jobs", "show", id])).stdout);
    expect(job).toMatchObject({ state: "scheduled", priority: 7, queue: "side", key: "k1" });
    const second = await cli([...base, "--json", ...args]);
    expect(JSON.parse(second.stdout)).toEqual({ id, created: false });
    expect(await jobCount()).toBe(1);
  });

  it("refuses malformed JSON with exit 2 and INVALID_ARGUMENT, writing nothing", async () => {
    await cli([...base, "enqueue", "echo", "1"]);
    const r = await cli([...base, "enqueue", "math.add", "{a: 1}"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: input is not valid JSON: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await jobCount()).toBe(1);
  });

  it("refuses an unknown task with exit 2 and UNKNOWN_TASK, writing nothing", async () => {
    const r = await cli([...base, "enqueue", "no.such.task", "{}"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error \[UNKNOWN_TASK\]: unknown task "no\.such\.task" \(known: always\.fails, echo/,
    );
    expect(await jobCount()).toBe(0);
  });

  it("explains that --app is needed when no app is loaded", async () => {
    const r = await cli(["--backend", backend.url, "enqueue", "math.add", "{}"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error [UNKNOWN_TASK]");
    expect(r.stderr).toContain("hint: pass --app MODULE");
    expect(await jobCount()).toBe(0);
  });

  it("refuses bad option values with exit 2", async () => {
    const delay = await cli([...base, "enqueue", "echo", "{}", "--delay", "soon"]);
    expect(delay.code).toBe(2);
    expect(delay.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: delay: cannot read "soon"/);
    const priority = await cli([...base, "enqueue", "echo", "{}", "--priority", "high"]);
    expect(priority.code).toBe(2);
    expect(await jobCount()).toBe(0);
  });

  it("--then TASK=JSON and --catch TASK add durable follow-ups; bad ones exit 2 and write nothing", async () => {
    const bad = [
      ["--then", "echo={nope"],
      ["--then", "no.such.task"],
      ["--catch", "echo="],
    ];
    for (const args of bad) {
      const r = await cli([...base, "enqueue", "math.add", '{"a":1,"b":2}', ...args]);
      expect(r.code, args.join(" ")).toBe(2);
    }
    expect((await cli([...base, "enqueue", "echo", "{}", "--then", "echo={nope"])).stderr).toMatch(
      /^error \[INVALID_ARGUMENT\]: --then input is not valid JSON/,
    );
    expect(await jobCount()).toBe(0);

    const ok = await cli([
      ...base,
      "--json",
      "enqueue",
      "math.add",
      '{"a":1,"b":2}',
      "--then",
      'echo={"note":"a=b"}',
    ]);
    const piped = await cli([...base, "--json", "enqueue", "math.add", '{"a":2,"b":2}', "--then", "echo"]);
    const failing = await cli([
      ...base,
      "--json",
      "enqueue",
      "always.fails",
      "{}",
      "--catch",
      "echo",
      "--then",
      "echo=1",
    ]);
    const [a, b, c] = [ok, piped, failing].map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { id: string }).id;
    });

    // A worker of the same tasks on the same file (the fixture's handlers).
    const lib = createSpool({ backend: backend.url, logger: { level: "silent" } });
    lib.task({ name: "math.add", queue: "math", run: (i: { a: number; b: number }) => ({ sum: i.a + i.b }) });
    lib.task({ name: "echo", run: (i: unknown) => i });
    lib.task({
      name: "always.fails",
      retry: 1,
      run: () => {
        throw new Error("this task always fails");
      },
    });
    const worker = lib.worker({ queues: ["math", "default"] });
    await worker.start();
    type Listed = {
      task: string;
      state: string;
      input: unknown;
      meta: { parent?: { id: string; outcome: string } };
    };
    const echoes = async (): Promise<Listed[]> =>
      (
        JSON.parse(
          (await cli(["--backend", backend.url, "--json", "jobs", "ls", "--task", "echo"])).stdout,
        ) as {
          jobs: Listed[];
        }
      ).jobs;
    try {
      await waitFor(async () => (await echoes()).filter((j) => j.state === "completed").length === 3, {
        timeout: 60_000,
      });
    } finally {
      await worker.stop();
      await lib.close();
    }
    const byParent = new Map((await echoes()).map((j) => [j.meta.parent?.id, j]));
    expect(byParent.size).toBe(3);
    expect(byParent.get(a)).toMatchObject({
      input: { note: "a=b" },
      meta: { parent: { outcome: "completed" } },
    });
    expect(byParent.get(b)?.input).toEqual({ sum: 4 });
    expect(byParent.get(c)).toMatchObject({
      input: { message: "this task always fails", attempt: 1 },
      meta: { parent: { outcome: "failed" } },
    });
  });

  it("prints the stack only with --verbose", async () => {
    const r = await cli([...base, "--verbose", "enqueue", "echo", "{"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
