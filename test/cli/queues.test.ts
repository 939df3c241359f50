import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { table } from "../../src/cli/format/table.js";
import { APP, cli, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;

beforeEach(() => {
  backend = tempBackend();
});
afterEach(() => backend.cleanup());

describe("spool queues, stats, migrate", () => {
  it("migrate creates the schema and says so", async () => {
    const r = await cli(["--backend", backend.url, "migrate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^migrated sqlite:\/\/\S+ \(sqlite\): schema created or upgraded, now up to date\n$/,
    );
    const again = await cli(["--backend", backend.url, "--json", "migrate"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: "sqlite", migrated: true });
  });

  it("queues ls shows counts per state, paused flag and oldest queued age; pause and resume", async () => {
    const base = ["--backend", backend.url, "--app", APP];
    await cli([...base, "enqueue", "math.add", '{"a":1,"b":2}']);
    await cli([...base, "enqueue", "echo", "{}", "--delay", "1h"]);
    expect(await cli(["--backend", backend.url, "queues", "pause", "math"])).toMatchObject({
      code: 0,
      stdout: "paused queue math\n",
    });

    const text = await cli(["--backend", backend.url, "queues", "ls"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^QUEUE\s+PAUSED\s+WAITING\s+SCHEDULED\s+QUEUED\s+RUNNING\s+COMPLETED\s+FAILED\s+CANCELLED\s+OLDEST QUEUED\s+ON LIMIT\s+LIMITS$/,
    );
    expect(lines.find((l) => l.startsWith("math"))).toMatch(
      /^math\s+yes\s+0\s+0\s+1\s+0\s+0\s+0\s+0\s+\S+ ago\s+0\s+-$/,
    );
    expect(lines.find((l) => l.startsWith("default"))).toMatch(
      /^default\s+no\s+0\s+1\s+0\s+0\s+0\s+0\s+0\s+-\s+0\s+-$/,
    );

    const json = JSON.parse((await cli(["--backend", backend.url, "--json", "queues", "ls"])).stdout);
    expect(json.find((q: { name: string }) => q.name === "math")).toMatchObject({
      paused: true,
      counts: { queued: 1 },
      oldestQueuedAgeMs: expect.any(Number),
    });

    expect((await cli(["--backend", backend.url, "queues", "resume", "math"])).stdout).toBe(
      "resumed queue math\n",
    );
    const after = JSON.parse((await cli(["--backend", backend.url, "--json", "queues", "ls"])).stdout);
    expect(after.find((q: { name: string }) => q.name === "math").paused).toBe(false);
  });

  it("queues ls shows how many queued jobs wait on a limit and which limit holds them", async () => {
    const base = ["--backend", backend.url, "--app", APP];
    for (let i = 0; i < 3; i++) await cli([...base, "enqueue", "math.add", '{"a":1,"b":2}']);
    await cli(["--backend", backend.url, "queues", "limit", "math", "--concurrency", "1"]);
    const text = (await cli(["--backend", backend.url, "queues", "ls"])).stdout;
    const lines = text.trimEnd().split("\n");
    // 3 queued, the cap lets 1 start: 2 wait on the queue's concurrency cap.
    expect(lines.find((l) => l.startsWith("math"))).toMatch(/\s+2\s+concurrency 1$/);
    expect(text).toContain("waiting on a limit now:");
    expect(lines.find((l) => /^QUEUE\s+LIMIT\s+TASK\s+KEY\s+REASON\s+WAITING$/.test(l))).toBeDefined();
    expect(lines.at(-1)).toMatch(/^math\s+queue\s+-\s+-\s+concurrency\s+2$/);
    const json = JSON.parse((await cli(["--backend", backend.url, "--json", "queues", "ls"])).stdout);
    expect(json.find((q: { name: string }) => q.name === "math")).toMatchObject({
      waitingOnLimit: 2,
      limitWaits: [{ scope: "queue", task: null, key: null, reason: "concurrency", waiting: 2 }],
    });
  });

  it("queues limit sets, shows and removes a queue's limits; bad limits are refused", async () => {
    const url = ["--backend", backend.url];
    expect(
      await cli([...url, "queues", "limit", "pdf", "--concurrency", "8", "--rate", "50/1s", "--burst", "10"]),
    ).toMatchObject({ code: 0, stdout: "queue pdf: concurrency 8, rate 50/1s + burst 10\n" });
    const lines = (await cli([...url, "queues", "ls"])).stdout.trimEnd().split("\n");
    expect(lines.find((l) => l.startsWith("pdf"))).toMatch(/\s+concurrency 8, rate 50\/1s \+ burst 10$/);
    expect(await cli([...url, "queues", "limit", "pdf", "--concurrency", "none"])).toMatchObject({
      code: 0,
      stdout: "queue pdf: rate 50/1s + burst 10\n",
    });
    const json = JSON.parse((await cli([...url, "--json", "queues", "limit", "pdf"])).stdout);
    expect(json).toEqual({
      queue: "pdf",
      limits: { concurrency: null, rateLimit: { limit: 50, perMs: 1000, burst: 10 } },
    });
    for (const bad of [
      ["--concurrency", "0"],
      ["--concurrency", "-2"],
      ["--concurrency", "1.5"],
      ["--rate", "0/1s"],
      ["--rate", "5"],
      ["--burst", "2"],
    ]) {
      const r = await cli([...url, "queues", "limit", "pdf", ...bad]);
      expect(r.code, bad.join(" ")).not.toBe(0);
      expect(r.stderr).toMatch(/concurrency|rate|burst/);
    }
    expect(await cli([...url, "queues", "limit", "pdf", "--rate", "none"])).toMatchObject({
      code: 0,
      stdout: "queue pdf: no limits\n",
    });
  });

  it("stats shows totals, queues and workers; --json parses", async () => {
    const base = ["--backend", backend.url, "--app", APP];
    await cli([...base, "enqueue", "math.add", '{"a":1,"b":2}']);
    await cli([...base, "enqueue", "echo", "{}"]);
    const text = await cli(["--backend", backend.url, "stats"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /WAITING\s+SCHEDULED\s+QUEUED\s+RUNNING\s+COMPLETED\s+FAILED\s+CANCELLED\s+TOTAL\n\s+0\s+0\s+2\s+0\s+0\s+0\s+0\s+2\n/,
    );
    expect(text.stdout).toContain("workers alive: 0");
    const json = JSON.parse((await cli(["--backend", backend.url, "stats", "--json"])).stdout);
    expect(json).toMatchObject({ totals: { queued: 2, total: 2 }, workers: [] });
    expect(json.queues).toHaveLength(2);
  });

  it("uses $SPOOL_URL when --backend is absent", async () => {
    const { runCli } = await import("../../src/cli/main.js");
    let out = "";
    const code = await runCli(["--json", "stats"], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      env: { SPOOL_URL: backend.url },
    });
    expect(code).toBe(0);
    expect(JSON.parse(out).backend).toBe(backend.url);
  });

  it("usage mistakes exit 2 with error [USAGE]", async () => {
    const r = await cli(["--backend", backend.url, "jobz"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[USAGE\]: unknown command 'jobz'/);
    const missing = await cli(["--backend", backend.url, "queues", "pause"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[USAGE\]: missing required argument 'queue'/);
    expect((await cli(["--help"])).code).toBe(0);
  });
});

describe("table", () => {
  it("aligns columns, right-aligns numbers and truncates", () => {
    const text = table(
      ["NAME", "COUNT", { header: "NOTE", max: 6 }],
      [
        ["pdf", 3, "short"],
        ["email", 120, "a long note"],
        ["x", null, undefined],
      ],
    );
    expect(text).toBe(
      ["NAME   COUNT  NOTE", "pdf        3  short", "email    120  a lon…", "x          -  -", ""].join("\n"),
    );
  });
});
