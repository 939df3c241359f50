/**
 * Chaos plumbing for the Redis backend: a PRIVATE redis-server (own port, own temp dir, AOF
 * with appendfsync always) that tests may kill -9 and restart by PID without touching the
 * shared Redis on 6379; worker processes spawned from `redis-worker.ts` on a redis:// URL;
 * evidence files written by the shared chaos tasks (fixtures/app.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterEach, test } from "vitest";
import type { StateCounts } from "../../src/backend/backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { JobRecord } from "../../src/core/types.js";
import { waitFor } from "../support/wait-for.js";
import { defineChaosTasks, effectsFile, marksFile } from "./fixtures/app.js";
import { lines, spawnWorkerProcess, stateTotals, type WorkerProcess } from "./worker-process.js";

export { waitFor };

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "redis-worker.ts");

/** True when a redis-server binary is on PATH (the tests skip loudly otherwise, fail under CI). */
export function haveRedisServer(): boolean {
  return (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, "redis-server")));
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  pid(): number;
  /** kill -9 the server (a crash: nothing but the AOF survives). */
  crash(): Promise<void>;
  /** Starts it again on the same port and directory (it replays its AOF). */
  start(): Promise<void>;
  /** An admin connection (CLIENT KILL, INFO …); reconnects by itself. */
  admin: Redis;
  stop(): Promise<void>;
}

export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const launch = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--logfile",
        join(dir, "redis.log"),
      ],
      { stdio: "ignore" },
    );
    const c = child;
    exited = new Promise((done) => c.once("exit", () => done()));
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    await waitFor(
      async () => {
        try {
          if (probe.status !== "ready") await probe.connect();
          return (await probe.ping()) === "PONG";
        } catch {
          probe.disconnect();
          return false;
        }
      },
      { timeout: 20_000, message: `redis-server on ${port} answers PING` },
    );
    probe.disconnect();
  };
  await launch();
  const admin = new Redis({ port, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  admin.on("error", () => {});
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    pid: () => child!.pid!,
    admin,
    async crash() {
      child!.kill("SIGKILL");
      await exited;
    },
    start: launch,
    async stop() {
      admin.disconnect();
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export type RedisWorker = WorkerProcess;

export interface RedisChaosEnv {
  dir: string;
  redis: PrivateRedis;
  spool: Spool;
  tasks: ReturnType<typeof defineChaosTasks>;
  spawnWorker(options?: Record<string, unknown>): Promise<RedisWorker>;
  counts(): Promise<StateCounts & { total: number }>;
  /** Every job record (paged by id). */
  records(): Promise<Map<string, JobRecord>>;
  effects(): { id: string; attempt: number; pid: number }[];
  marks(): string[];
  cleanup(): Promise<void>;
}

export async function redisChaosEnv(name: string): Promise<RedisChaosEnv> {
  const dir = mkdtempSync(join(tmpdir(), `spool-chaos-redis-${name}-`));
  const redis = await startPrivateRedis(dir);
  const spool = createSpool({ backend: redis.url, logger: { level: "silent" }, retention: false });
  const tasks = defineChaosTasks(spool, dir);
  await spool.backend();
  const children = new Map<ChildProcess, Promise<unknown>>();
  let n = 0;

  function spawnWorker(options: Record<string, unknown> = {}): Promise<RedisWorker> {
    const label = String(++n);
    return spawnWorkerProcess({
      script: WORKER,
      args: [redis.url, dir, JSON.stringify(options)],
      cwd: ROOT,
      logFile: join(dir, `worker-${label}.log`),
      label,
      children,
    });
  }

  return {
    dir,
    redis,
    spool,
    tasks,
    spawnWorker,
    counts: () => stateTotals(spool),
    async records() {
      const backend = await spool.backend();
      const out = new Map<string, JobRecord>();
      for (let cursor: string | undefined; ; ) {
        const page = await backend.jobList({ limit: 1000, order: "asc", cursor });
        for (const r of page.jobs) out.set(r.id, r);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      return out;
    },
    effects: () =>
      lines(effectsFile(dir)).map((line) => {
        const [id, attempt, pid] = line.split(" ");
        return { id: id!, attempt: Number(attempt), pid: Number(pid) };
      }),
    marks: () => lines(marksFile(dir)),
    async cleanup() {
      const running = [...children];
      for (const [child] of running) child.kill("SIGKILL");
      await Promise.all(running.map(([, exited]) => exited));
      await spool.close().catch(() => {});
      await redis.stop();
      if (!process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The shared verdict: every enqueued job completed, none lost, and a job whose side effect
 * ran more than once either ran in a killed process or lost its lease (a LEASE_EXPIRED error
 * is recorded for the earlier attempt). Returns the counts to print.
 */
export function verdict(
  ids: ReadonlySet<string>,
  records: Map<string, JobRecord>,
  effects: { id: string; attempt: number; pid: number }[],
  killed: ReadonlySet<number>,
): { jobs: number; rerun: number; duplicates: number; problems: string[] } {
  const problems: string[] = [];
  const byJob = new Map<string, { attempt: number; pid: number }[]>();
  for (const e of effects) {
    if (!ids.has(e.id)) problems.push(`effect of unknown job ${e.id}`);
    const list = byJob.get(e.id) ?? [];
    list.push(e);
    byJob.set(e.id, list);
  }
  let rerun = 0;
  let duplicates = 0;
  for (const id of ids) {
    const record = records.get(id);
    if (!record) {
      problems.push(`job ${id} lost`);
      continue;
    }
    if (record.state !== "completed") problems.push(`job ${id} is ${record.state}`);
    const runs = byJob.get(id) ?? [];
    if (runs.length === 0) {
      problems.push(`job ${id} never executed`);
      continue;
    }
    if (record.attempt > 1) rerun++;
    if (runs.length > 1) {
      duplicates++;
      const lostLease = new Set(
        record.errors.filter((e) => e.code === "LEASE_EXPIRED").map((e) => e.attempt),
      );
      for (const earlier of runs.slice(0, -1)) {
        if (!killed.has(earlier.pid) && !lostLease.has(earlier.attempt))
          problems.push(
            `job ${id} ran twice (attempt ${earlier.attempt} in live pid ${earlier.pid}, lease not lost)`,
          );
      }
    }
  }
  return { jobs: ids.size, rerun, duplicates, problems };
}

/**
 * Registers one Redis chaos test on its own private redis-server. Without a redis-server
 * binary it is skipped with a loud warning, except under CI=true, where it runs and fails.
 * The env (processes, server, files) is cleaned up after the test whatever happens.
 */
export function redisChaosTest(
  title: string,
  name: string,
  body: (env: RedisChaosEnv) => Promise<void>,
  timeoutMs: number,
): void {
  const skip = !haveRedisServer() && process.env.CI !== "true";
  if (skip) {
    console.warn(
      `\n⚠️  SKIPPING Redis chaos test "${name}": no redis-server binary on PATH (under CI=true this fails)\n`,
    );
  }
  let env: RedisChaosEnv | undefined;
  afterEach(async () => {
    await env?.cleanup();
    env = undefined;
  });
  test.skipIf(skip)(
    title,
    async () => {
      env = await redisChaosEnv(name);
      await body(env);
    },
    timeoutMs,
  );
}
