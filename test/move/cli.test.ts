/**
 * `spool move` input and dry run: bad URLs are typed errors (exit 2, or 1 for an unreachable
 * server) and write nothing; a dry run reports what would move and writes nothing anywhere.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli as runInProcess } from "../../src/cli/main.js";
import { REDIS_URL_BASE, redisReachable, requireRedis } from "../support/redis.js";
import { app, makeStores, runCli } from "./helpers.js";

requireRedis("the spool move CLI tests");

const stores = makeStores();

/** The CLI in this process (the input checks need no child process). */
async function inProcess(args: string[]) {
  let out = "";
  let err = "";
  const code = await runInProcess(args, {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        err += s;
        return true;
      },
    },
  });
  return { code, out, err };
}
const file = join(stores.dir, "first.db");
let counts = "";

async function snapshot(): Promise<string> {
  const spool = app(stores.sqlite, stores.dir, "read");
  const backend = await spool.backend();
  const out = JSON.stringify({
    queues: (await backend.queueList()).map((q) => [q.name, q.paused, q.counts]),
    schedules: (await backend.scheduleList()).map((s) => [s.name, s.paused, s.runs, s.nextFireAt]),
  });
  await spool.close();
  return out;
}

beforeAll(async () => {
  const spool = app(stores.sqlite, stores.dir, "seed");
  const { work, held } = spool.tasks;
  for (let i = 0; i < 40; i++) await work.enqueue({ i });
  for (let i = 0; i < 10; i++) await work.enqueue({ i }, { delay: "1h" });
  const parent = await work.enqueue({ i: -1 }, { delay: "1h" });
  await work.enqueue({ i: -2 }, { dependsOn: [parent.id] });
  await held.enqueue({ i: 0 });
  await spool.queues.pause("held");
  await spool.schedule("hourly", { every: "1h" }, held.with({ i: -1 })).ready;
  await spool.close();
  counts = await snapshot();
}, 60_000);
afterAll(() => stores.cleanup());

describe("spool move", () => {
  test("a dry run reports what would move and writes nothing, in the source or the target", async () => {
    const target = join(stores.dir, "never.db");
    const mtime = statSync(file).mtimeMs;
    const out = await runCli(["move", "--from", stores.sqlite, "--to", `sqlite://${target}`, "--dry-run"]);
    expect(out.code, out.err).toBe(0);
    expect(out.out).toContain("dry run: nothing was written");
    expect(out.out).toMatch(/jobs: +53 \(waiting 1, scheduled 11, queued 41\)/);
    expect(out.out).toContain("schedules: 1 (hourly)");
    expect(out.out).toContain("1 paused");
    expect(existsSync(target)).toBe(false);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(await snapshot()).toBe(counts);
  }, 60_000);

  test.skipIf(!redisReachable)(
    "a dry run toward Redis writes no key there",
    async () => {
      const out = await runCli([
        "move",
        "--from",
        stores.sqlite,
        "--to",
        stores.redis,
        "--dry-run",
        "--json",
      ]);
      expect(out.code, out.err).toBe(0);
      const plan = JSON.parse(out.out) as { dryRun: boolean; total: number };
      expect(plan).toMatchObject({ dryRun: true, total: 53 });
      const prefix = new URL(stores.redis).searchParams.get("prefix")!;
      const redis = new Redis(REDIS_URL_BASE);
      try {
        expect(await redis.keys(`${prefix}*`)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    },
    60_000,
  );

  test.each([
    [
      ["--from", "ftp://example.com/x", "--to", "sqlite:///tmp/x.db"],
      /--from "ftp:\/\/example.com\/x" is not a store URL/,
    ],
    [["--from", "SQLITE", "--to", "sqlite:///tmp/x.db"], /is not a store URL/],
    [["--to", "memory://"], /--to memory:\/\/ lives inside one process/],
    [["--to", "SAME"], /--from and --to name the same store/],
    [["--to", "sqlite:///tmp/spool-move-never.db", "--batch", "0"], /--batch must be a whole number from 1/],
    [["--to", "sqlite:///tmp/spool-move-never.db", "--batch", "ten"], /--batch must be a whole number/],
  ])(
    "bad input %j is a typed usage error (exit 2) and writes nothing",
    async (args, message) => {
      const full = args.includes("--from") ? args : ["--from", stores.sqlite, ...args];
      const line = full.map((a) => (a === "SAME" ? stores.sqlite : a));
      const out = await inProcess(["move", ...line]);
      expect(out.err).toMatch(/error \[INVALID_ARGUMENT\]/);
      expect(out.err).toMatch(message);
      expect(out.code).toBe(2);
      expect(existsSync("/tmp/spool-move-never.db")).toBe(false);
      expect(await snapshot()).toBe(counts);
    },
    60_000,
  );

  test("a source SQLite file that does not exist is an error, and no file is created", async () => {
    const missing = join(stores.dir, "missing.db");
    const out = await inProcess(["move", "--from", `sqlite://${missing}`, "--to", stores.sqlite2]);
    expect(out.err).toMatch(/error \[INVALID_ARGUMENT\]: --from: there is no SQLite store at/);
    expect(out.code).toBe(2);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(stores.dir, "last.db"))).toBe(false);
  }, 60_000);

  test("an unreachable target server is a backend error (exit 1) and the source keeps every job", async () => {
    const out = await runCli([
      "move",
      "--from",
      stores.sqlite,
      "--to",
      "postgres://spool:spool@127.0.0.1:1/spool",
    ]);
    expect(out.err).toMatch(/error \[[A-Z_]+\]/);
    expect(out.err).not.toMatch(/INTERNAL/);
    expect(out.code).toBe(1);
    expect(await snapshot()).toBe(counts);
  }, 60_000);
});
