/**
 * PostgreSQL-specific chaos, with worker processes on a fresh schema of the test server:
 *
 * - The server restarts mid-run (`pg_ctlcluster 15 main restart`) while a producer enqueues and
 *   two workers run jobs: every job whose enqueue resolved completes (0 lost), the workers carry
 *   on without a restart, and they LISTEN again: with a 60 s fallback poll, a job enqueued after
 *   the run starts within seconds only if a notification woke an idle worker.
 * - `pg_terminate_backend` on every connection of the workers, repeatedly, mid-run: the same.
 *
 * The restart disturbs every other client of the shared server for a second or two; it runs
 * once and only where `pg_ctlcluster` can restart the cluster (root, Debian's postgresql-common),
 * and is skipped loudly elsewhere (set SPOOL_TEST_PG_RESTART=0 to skip it on purpose).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, afterEach, expect, test } from "vitest";
import type { PostgresBackend } from "../../src/backend/postgres/index.js";
import { POSTGRES_URL_BASE, postgresReachable, requirePostgres } from "../support/postgres.js";
import { type ChaosEnv, chaosEnv, useChaosBackend, waitFor } from "./helpers.js";
import { verdict } from "./redis-helpers.js";

requirePostgres("the PostgreSQL restart chaos tests");
useChaosBackend("postgres");

const run = promisify(execFile);
const CLUSTER = ["15", "main"];
const canRestart =
  postgresReachable &&
  process.env.SPOOL_TEST_PG_RESTART !== "0" &&
  process.getuid?.() === 0 &&
  existsSync("/usr/bin/pg_ctlcluster");
if (postgresReachable && !canRestart)
  console.warn(
    "\n⚠️  SKIPPING the PostgreSQL restart chaos test: needs root and pg_ctlcluster (or SPOOL_TEST_PG_RESTART=0)\n",
  );

/** A long fallback poll: an idle worker that starts a job quickly was woken by a notification. */
const WORKER = { concurrency: 4, lease: "5s", pollInterval: 60_000, shutdownGrace: "1s" };

let env: ChaosEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});
// A restart that failed half-way must not leave the shared server down for the tests after this file.
afterAll(async () => {
  if (canRestart) await run("pg_ctlcluster", [...CLUSTER, "start"]).catch(() => undefined);
});

/**
 * Restarts the cluster the way an operator or a crash would. A CI run creates and drops thousands of
 * test schemas, so a fast shutdown's checkpoint can have tens of thousands of files to sync and, on a
 * busy machine, outlast pg_ctl's 60 s wait ("server does not shut down"). A CHECKPOINT first leaves the
 * shutdown little to write; `--force` falls back to an immediate shutdown (a crash: WAL recovery on start),
 * which must lose no acknowledged job either.
 */
async function restartCluster(): Promise<void> {
  await run("runuser", ["-u", "postgres", "--", "psql", "-p", "5432", "-Atc", "CHECKPOINT"]).catch(
    () => undefined,
  );
  await run("pg_ctlcluster", ["--force", ...CLUSTER, "restart"], { timeout: 180_000 });
}

/** Enqueues one job at a time until stopped; returns the ids whose enqueue resolved. */
function producer(e: ChaosEnv): { stop(): Promise<{ ids: Set<string>; failed: number }> } {
  const ids = new Set<string>();
  let failed = 0;
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      try {
        const handle = await e.tasks.work.enqueue({ i: i++ });
        ids.add(handle.id);
      } catch (err) {
        if (process.env.SPOOL_CHAOS_DEBUG) console.log(Date.now(), String(err).slice(0, 200));
        failed++; // not acknowledged: not counted (the caller would retry with a key)
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ids, failed };
    },
  };
}

async function allCompleted(e: ChaosEnv, ids: Set<string>): Promise<void> {
  const backend = await e.spool.backend();
  await waitFor(
    async () => {
      const records = await backend.jobGetMany({ ids: [...ids] });
      return records.length === ids.size && records.every((r) => r.state === "completed");
    },
    { timeout: 120_000, interval: 200, message: `all ${ids.size} acknowledged jobs completed` },
  );
}

/** A job enqueued to idle workers (60 s poll) starts within seconds: a notification woke them. */
async function provesListen(e: ChaosEnv): Promise<number> {
  await new Promise((r) => setTimeout(r, 500)); // the workers finish their last claim and go idle
  const started = Date.now();
  const sentinel = await e.tasks.once.enqueue({ ms: 0 });
  await sentinel.result({ timeout: "20s" });
  return Date.now() - started;
}

async function check(e: ChaosEnv, ids: Set<string>, what: string, failed: number): Promise<void> {
  await allCompleted(e, ids);
  const records = new Map(
    (await (await e.spool.backend()).jobGetMany({ ids: [...ids] })).map((r) => [r.id, r]),
  );
  const out = verdict(ids, records, e.effects(), new Set());
  expect(out.problems).toEqual([]);
  const wakeMs = await provesListen(e);
  expect(wakeMs).toBeLessThan(20_000);
  const feed = ((await e.spool.backend()) as PostgresBackend).feed;
  console.log(
    `postgres ${what}: ${ids.size} jobs acknowledged (${failed} enqueues refused while the server was away), ` +
      `0 lost, ${out.rerun} re-run, ${out.duplicates} executed twice (lease lost); ` +
      `idle workers woke ${wakeMs} ms after an enqueue (poll 60 s); test process LISTENed ${feed.listens}×`,
  );
}

test.skipIf(!canRestart)(
  "PostgreSQL restarted mid-run: 0 acknowledged jobs lost, workers resume and LISTEN again",
  async () => {
    env = await chaosEnv("pg-restart");
    const e = env;
    await e.spawnWorker(WORKER);
    await e.spawnWorker(WORKER);
    const feed = ((await e.spool.backend()) as PostgresBackend).feed;
    const p = producer(e);
    await waitFor(async () => (await e.counts()).completed >= 50, {
      timeout: 60_000,
      message: "50 jobs done",
    });
    await restartCluster();
    await waitFor(() => feed.listens >= 2, { timeout: 30_000, message: "the test process LISTENs again" });
    await waitFor(async () => (await e.counts()).completed >= 50 + 100, {
      timeout: 60_000,
      message: "100 more jobs done after the restart",
    });
    const { ids, failed } = await p.stop();
    await check(e, ids, "restart", failed);
  },
  420_000,
);

test.skipIf(!postgresReachable)(
  "pg_terminate_backend on every worker connection, repeatedly: 0 acknowledged jobs lost, workers LISTEN again",
  async () => {
    env = await chaosEnv("pg-terminate");
    const e = env;
    const app = `spool-chaos-${Math.random().toString(36).slice(2, 10)}`;
    const workerUrl = new URL(e.url);
    workerUrl.searchParams.set("application_name", app);
    // The workers use their own application_name, so only their connections are terminated.
    const admin = new pg.Client({ connectionString: POSTGRES_URL_BASE });
    await admin.connect();
    try {
      await e.spawnWorkerAt(workerUrl.toString(), WORKER);
      await e.spawnWorkerAt(workerUrl.toString(), WORKER);
      const p = producer(e);
      let terminated = 0;
      for (let round = 0; round < 4; round++) {
        await waitFor(async () => (await e.counts()).completed >= 40 * (round + 1), {
          timeout: 60_000,
          message: `${40 * (round + 1)} jobs done`,
        });
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1",
          [app],
        );
        terminated += rows.filter((r) => r.ok).length;
      }
      expect(terminated).toBeGreaterThanOrEqual(4 * 2); // at least the two LISTEN connections each round
      const { ids, failed } = await p.stop();
      await check(e, ids, "pg_terminate_backend", failed);
    } finally {
      await admin.end();
    }
  },
  240_000,
);
