/**
 * The CLI's rough edges a newcomer hits first (issue 13, item 6): a typo in `queues pause`,
 * errors under `--json`, the server's no-token message, the dev port, a command run from the
 * wrong directory, `schedules add` failures without a log dump, and how a cancel is logged.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_PORT_DEFAULT } from "../../src/cli/commands/dev.js";
import { runCli } from "../../src/cli/main.js";
import { PORT_DEFAULT } from "../../src/http/index.js";
import { createSpool } from "../../src/index.js";
import { waitFor } from "../support/wait-for.js";
import { FakeProcess } from "./fake-process.js";
import { APP, BIN, Capture, cli, REPO, tempBackend } from "./helpers.js";

let backend: ReturnType<typeof tempBackend>;
beforeEach(() => {
  backend = tempBackend();
});
afterEach(() => backend.cleanup());

describe("spool queues pause", () => {
  it("refuses an unknown queue (a typo) and creates nothing", async () => {
    await cli(["--backend", backend.url, "--app", APP, "enqueue", "math.add", '{"a":1,"b":2}']);
    const r = await cli(["--backend", backend.url, "queues", "pause", "maht"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error \[INVALID_ARGUMENT\]: unknown queue "maht" in \S+spool\.db \(sqlite\) \(known: math\); pass --create/,
    );
    const queues = JSON.parse((await cli(["--backend", backend.url, "--json", "queues", "ls"])).stdout);
    expect(queues.map((q: { name: string }) => q.name)).toEqual(["math"]);
    expect(queues[0].paused).toBe(false);
  });

  it("pauses a queue the app's tasks use before its first job, and any queue with --create", async () => {
    expect(await cli(["--backend", backend.url, "--app", APP, "queues", "pause", "math"])).toMatchObject({
      code: 0,
      stdout: "paused queue math\n",
    });
    expect((await cli(["--backend", backend.url, "queues", "pause", "later"])).code).toBe(2);
    expect(await cli(["--backend", backend.url, "queues", "pause", "later", "--create"])).toMatchObject({
      code: 0,
      stdout: "paused queue later\n",
    });
    const queues = JSON.parse((await cli(["--backend", backend.url, "--json", "queues", "ls"])).stdout);
    expect(
      queues
        .filter((q: { paused: boolean }) => q.paused)
        .map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(["later", "math"]);
  });
});

describe("--json", () => {
  it("makes errors JSON too: the HTTP API's error shape on stderr, same exit codes", async () => {
    await cli(["--backend", backend.url, "migrate"]);
    const missing = await cli(["--backend", backend.url, "--json", "jobs", "show", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { code: "NOT_FOUND", message: 'job "nope" not found', details: { kind: "job", id: "nope" } },
    });
    const bad = await cli(["--backend", backend.url, "--app", APP, "--json", "enqueue", "echo", "{nope"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.code).toBe("INVALID_ARGUMENT");
    const usage = await cli(["--json", "jobs", "ls", "--bogus"]);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toEqual({
      error: { code: "USAGE", message: "unknown option '--bogus'" },
    });
  });
});

describe("spool server and spool dev", () => {
  it("without tokens, tells CLI users about SPOOL_API_TOKENS and --insecure (not library options)", async () => {
    const r = await cli(["--backend", "memory://", "server", "--port", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error \[INVALID_ARGUMENT\]: .*SPOOL_API_TOKENS="admin:<secret>,read:<secret>".*--insecure/,
    );
    expect(r.stderr).not.toContain("{ insecure");
  });

  it("dev listens where server, the docs and the Python example expect: 7070", () => {
    expect(DEV_PORT_DEFAULT).toBe(PORT_DEFAULT);
    expect(PORT_DEFAULT).toBe(7070);
  });
});

describe("a command run away from its store", () => {
  it("warns that it created an empty store, naming the file; stats says which store it reads", async () => {
    const url = `sqlite://${join(backend.dir, "elsewhere/spool.db")}`;
    const r = await cli(["--backend", url, "jobs", "ls"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no jobs\n");
    expect(r.stderr).toBe(
      `warning: there was no store at ${join(backend.dir, "elsewhere/spool.db")}; created an empty one. ` +
        "Run from your app's directory, or pass --backend URL (or set SPOOL_URL) to read an existing store.\n",
    );
    expect(existsSync(join(backend.dir, "elsewhere/spool.db"))).toBe(true);
    // Now it exists: no warning, and stats names it.
    const stats = await cli(["--backend", url, "stats"]);
    expect(stats.stderr).toBe("");
    expect(stats.stdout.split("\n")[0]).toBe(`store: ${join(backend.dir, "elsewhere/spool.db")} (sqlite)`);
    expect(JSON.parse((await cli(["--backend", url, "--json", "stats"])).stdout).store).toBe(
      join(backend.dir, "elsewhere/spool.db"),
    );
  });

  it("does not warn when a command creates the store on purpose (enqueue, migrate)", async () => {
    const r = await cli(["--backend", backend.url, "migrate"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });
});

describe("spool schedules add", () => {
  it("prints a bad definition as one typed error, without a log record before it", async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, "--app", APP, "schedules", "add", "nightly", "--cron", "61 * * * *", "--task", "echo"],
        { cwd: REPO, env: { ...process.env, SPOOL_URL: backend.url, SPOOL_LOG_LEVEL: "" }, timeout: 60_000 },
        (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
      );
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[INVALID_ARGUMENT\]: [^\n]*cron[^\n]*\n$/);
  });
});

describe("a cancelled running job", () => {
  it("is logged at info as a cancel, not as a lost lease (warn)", async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const spool = createSpool({ backend: "memory://", logger: pino({ level: "info" }, sink) });
    let started = false;
    const task = spool.task({
      name: "waits",
      run: (_: unknown, ctx) =>
        new Promise((_resolve, reject) => {
          started = true;
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        }),
    });
    const worker = spool.worker();
    await worker.start();
    try {
      const job = await task.enqueue({});
      await waitFor(() => started);
      await job.cancel("operator");
      await waitFor(() => lines.some((l) => /cancelled; aborting its handler/.test(l.msg)));
      expect(lines.find((l) => /cancelled; aborting its handler/.test(l.msg))?.level).toBe(30);
      expect(lines.filter((l) => /lost the lease/.test(l.msg))).toEqual([]);
    } finally {
      await worker.stop();
      await spool.close();
    }
  });
});

describe("spool stats --watch", () => {
  it("refreshes until SIGTERM (text samples separated by a blank line; --json one document per line)", async () => {
    for (const json of [false, true]) {
      const proc = new FakeProcess();
      const stdout = new Capture();
      const stderr = new Capture();
      const args = [
        "--backend",
        backend.url,
        ...(json ? ["--json"] : []),
        "stats",
        "--watch",
        "--interval",
        "20ms",
      ];
      await cli(["--backend", backend.url, "migrate"]);
      const done = runCli(args, { stdout, stderr, env: {}, cwd: REPO, process: proc });
      await waitFor(() => (stdout.text.match(json ? /"totals"/g : /^store: /gm) ?? []).length >= 3);
      proc.signal("SIGTERM");
      expect(await done).toBe(0);
      if (json) {
        const lines = stdout.text
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(lines.length).toBeGreaterThanOrEqual(3);
        expect(lines[0]).toMatchObject({ totals: { total: 0 }, workers: [] });
      } else expect(stdout.text).toMatch(/^store: .*\n\n[\s\S]*\n\nstore: /);
    }
  });
});
