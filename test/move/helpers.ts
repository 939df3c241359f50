/**
 * Shared by the `spool move` tests: the stores (real SQLite files, a Redis prefix, a PostgreSQL
 * schema), the app whose handlers record every run in a side file, the mover run as a real CLI
 * child process (so it can be SIGKILLed), and the census that says where each job id is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Backend } from "../../src/backend/backend.js";
import { MOVE_WORKER_PREFIX } from "../../src/backend/backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { JobRecord } from "../../src/core/types.js";
import { postgresUrl } from "../support/postgres.js";
import { redisUrl } from "../support/redis.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "test/move/fixtures/cli.ts");

export interface Stores {
  dir: string;
  sqlite: string;
  postgres: string;
  redis: string;
  sqlite2: string;
  cleanup(): Promise<void>;
}

export function makeStores(): Stores {
  const dir = mkdtempSync(join(tmpdir(), "spool-move-"));
  const pg = postgresUrl();
  const redis = redisUrl();
  return {
    dir,
    sqlite: `sqlite://${join(dir, "first.db")}`,
    postgres: pg.url,
    redis: redis.url,
    sqlite2: `sqlite://${join(dir, "last.db")}`,
    async cleanup() {
      await pg.cleanup().catch(() => {});
      await redis.cleanup().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The app: every run of a handler appends `jobId label` to runs.log (O_APPEND: whole lines). */
export function app(url: string, dir: string, label: string): Spool & { tasks: ReturnType<typeof tasks> } {
  const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
  return Object.assign(spool, { tasks: tasks(spool, dir, label) });
}

function tasks(spool: Spool, dir: string, label: string) {
  const log = join(dir, "runs.log");
  const record = (id: string) => appendFileSync(log, `${id} ${label}\n`);
  return {
    work: spool.task({
      name: "move.work",
      queue: "work",
      run: async (input: { i: number }, ctx) => {
        record(ctx.id);
        await new Promise((r) => setTimeout(r, 5));
        return input.i;
      },
    }),
    step: spool.task({
      name: "move.step",
      queue: "flow",
      run: (input: number, ctx) => {
        record(ctx.id);
        return input + 1;
      },
    }),
    held: spool.task({
      name: "move.held",
      queue: "held",
      run: (_input: { i: number }, ctx) => {
        record(ctx.id);
        return true;
      },
    }),
  };
}

/** Runs per job id, from runs.log. */
export function runs(dir: string): Map<string, number> {
  const file = join(dir, "runs.log");
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const id = line.split(" ")[0];
    if (id) out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `spool …` as a child process (the CLI from source, through tsx; store paths are absolute). */
export function spoolCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = spoolCli(args);
  const code = await run.exited;
  return { code, out: run.stdout(), err: run.stderr() };
}

/** Where each id is: in which stores, and whether it is runnable there (not held by a mover). */
export async function census(stores: readonly Backend[], ids: readonly string[]) {
  const where = new Map<string, { store: number; job: JobRecord }[]>();
  for (let s = 0; s < stores.length; s++) {
    for (let i = 0; i < ids.length; i += 1000) {
      for (const job of await stores[s]!.jobGetMany({ ids: ids.slice(i, i + 1000) })) {
        const list = where.get(job.id) ?? [];
        list.push({ store: s, job });
        where.set(job.id, list);
      }
    }
  }
  const missing = ids.filter((id) => !where.has(id));
  const doubled = ids.filter((id) => (where.get(id)?.length ?? 0) > 1);
  const runnableTwice = ids.filter(
    (id) =>
      (where.get(id) ?? []).filter(
        (e) => !e.job.workerId?.startsWith(MOVE_WORKER_PREFIX) || e.job.state !== "running",
      ).length > 1,
  );
  return { where, missing, doubled, runnableTwice };
}
