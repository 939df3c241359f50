/**
 * Dynamic children under kill -9 INSIDE the parent's own phases, on SQLite, Redis and PostgreSQL:
 * the worker running the parent's spawn phase is SIGKILLed before it spawns (nothing may have been
 * written: the retry spawns the one and only set of children), and the worker running the
 * parent's resumed phase (the combining step, after the children's results were read) is
 * SIGKILLed too. The parent must complete with every child's result in order, from ONE set of
 * children (the resume's retry reads the same children, never spawns again; a child re-runs only
 * after a lost lease). Handler code is at-least-once like any job's: a live worker that stalls
 * past its lease on this loaded machine may re-run a phase, which the assertions allow.
 * The blocking first runs live in fixtures/spawn-app.ts (defineResumeChaosTasks): the kills land
 * in those phases by construction, not by timing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { defineResumeChaosTasks, resumeLog } from "./fixtures/spawn-app.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/spawn-worker.ts");
const CHILDREN = 60;
// A 3 s lease: long enough that a live worker on a loaded 2-core machine keeps its leases (a
// stalled one losing a lease is allowed by design, and the assertions below tolerate it), short
// enough that the killed workers' jobs come back within seconds.
const OPTIONS = { concurrency: 4, lease: "3s", pollInterval: 50, shutdownGrace: "1s" };
const KINDS = [
  "sqlite",
  ...(redisReachable ? ["redis"] : []),
  ...(postgresReachable ? ["postgres"] : []),
] as const;
requireRedis("the spawn-resume chaos test on Redis");
requirePostgres("the spawn-resume chaos test on PostgreSQL");

let dir = "";
let spool: Spool | null = null;
let cleanup: () => Promise<void> | void = () => {};
const workers = new Map<number, ChildProcess>();

afterEach(async () => {
  for (const w of workers.values()) w.kill("SIGKILL");
  workers.clear();
  await spool?.close();
  spool = null;
  await cleanup();
  cleanup = () => {};
  if (dir && !process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
});

async function startWorker(url: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, url, dir, JSON.stringify(OPTIONS)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
  });
  const pid = child.pid!;
  workers.set(pid, child);
  child.once("exit", () => workers.delete(pid));
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await waitFor(() => out.includes("ready "), { timeout: 60_000, message: "worker ready" });
}

const lines = (prefix: string) =>
  existsSync(resumeLog(dir))
    ? readFileSync(resumeLog(dir), "utf8")
        .split("\n")
        .filter((l) => l.startsWith(prefix))
    : [];

/** Waits for the n-th `<prefix> <pid> …` line and SIGKILLs that worker (a live one of ours). */
async function killWhoLogged(prefix: string, n: number, message: string): Promise<number> {
  await waitFor(() => lines(prefix).length >= n, { timeout: 120_000, interval: 50, message });
  const pid = Number(lines(prefix)[n - 1]!.split(" ")[1]);
  const victim = workers.get(pid);
  expect(victim, `worker ${pid} is one of ours and alive`).toBeDefined();
  const exited = new Promise((resolve) => victim!.once("exit", resolve));
  victim!.kill("SIGKILL");
  await exited;
  return pid;
}

describe.each(KINDS)("kill -9 inside a spawning parent's phases on %s", (kind) => {
  test("killed while spawning and while combining: completes with every result from one set of children", async () => {
    dir = mkdtempSync(join(tmpdir(), "spool-chaos-resume-"));
    let url = `sqlite://${join(dir, "spool.db")}`;
    if (kind === "redis") ({ url, cleanup } = redisUrl());
    else if (kind === "postgres") ({ url, cleanup } = postgresUrl());
    spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
    const { parent } = defineResumeChaosTasks(spool, dir);
    await spool.backend();
    const job = await parent.enqueue(CHILDREN);
    await startWorker(url);
    await startWorker(url);

    // Kill 1: inside the spawn phase, before ctx.spawn wrote anything.
    const killed = [await killWhoLogged("spawn-start ", 1, "the parent's spawn phase started")];
    expect(await spool.jobs.list({ task: "chaos.resume.child", limit: 10 })).toMatchObject({ jobs: [] });
    await startWorker(url);

    // Kill 2: inside the resumed phase, after the children's results were read.
    killed.push(await killWhoLogged("resume-start ", 1, "the parent's resumed phase started"));
    await startWorker(url);

    const expectedSum = (3 * (CHILDREN - 1) * CHILDREN) / 2;
    expect(await job.result({ timeout: "4m" })).toEqual({ count: CHILDREN, sum: expectedSum });

    // One set of children exists (the killed spawn phase wrote nothing; no retry spawned again).
    const children = await spool.jobs.list({ task: "chaos.resume.child", limit: 1000 });
    expect(children.jobs).toHaveLength(CHILDREN);
    expect(children.jobs.every((j) => j.state === "completed" && j.meta.spawnedBy === job.id)).toBe(true);
    expect(lines("spawn-start ").length).toBeGreaterThanOrEqual(2);
    // Every child ran; a re-run only after a lost lease (at-least-once), never from a second spawn.
    const childRuns = lines("child ").map((l) => Number(l.split(" ")[1]));
    expect(new Set(childRuns)).toEqual(new Set(Array.from({ length: CHILDREN }, (_, i) => i)));
    const childRetries = children.jobs.reduce((n, j) => n + j.attempt - 1, 0);
    expect(childRuns).toHaveLength(CHILDREN + childRetries);
    // The resume after the kill read the same children: every resumed run saw all results in order.
    const resumes = lines("resume-start ");
    expect(resumes.length).toBeGreaterThanOrEqual(2);
    for (const r of resumes) expect(r).toMatch(new RegExp(` ${CHILDREN} ${expectedSum} true$`));
    expect(lines("resume-end ").length).toBeGreaterThanOrEqual(1);
    expect(Number(resumes[resumes.length - 1]!.split(" ")[1])).not.toBe(killed[1]);

    const info = await job.get();
    expect(info.state).toBe("completed");
    expect(info.result).toEqual({ count: CHILDREN, sum: expectedSum });
    expect(info.dependsOn).toHaveLength(CHILDREN);
    // The two killed attempts were rescued; nothing but lost leases failed an attempt.
    expect(info.errors.length).toBeGreaterThanOrEqual(2);
    expect(info.errors.every((e) => e.code === "LEASE_EXPIRED")).toBe(true);
    console.log(
      `spawn-resume chaos (${kind}): worker ${killed[0]} killed -9 in the spawn phase, ${killed[1]} in the ` +
        `resumed phase; spawn phase ran ${lines("spawn-start ").length}×, resumed phase ${resumes.length}× ` +
        `(${lines("resume-end ").length} reached the end); ${CHILDREN} children, ${childRetries} re-runs; ` +
        `the parent completed with every result (attempt ${info.attempt}, ` +
        `errors ${info.errors.map((e) => `#${e.attempt} ${e.code}`).join(", ")})`,
    );
  }, 400_000);
});
