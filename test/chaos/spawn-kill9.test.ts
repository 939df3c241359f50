/**
 * Dynamic children under kill -9, on SQLite and Redis: a parent spawns 150 children from worker
 * processes and waits; workers are SIGKILLed three times (while the parent waits and children run,
 * their leases then expire and survivors retry them), and new workers start. The parent's spawn
 * phase must have run once, its resumed phase exactly once, with every child's result in order;
 * every child must be completed (side effects are O_APPEND lines in a file, see spawn-app.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { defineSpawnChaosTasks, spawnGate, spawnLog } from "./fixtures/spawn-app.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/spawn-worker.ts");
const CHILDREN = 150;
const OPTIONS = { concurrency: 6, lease: "1s", pollInterval: 50, shutdownGrace: "1s" };
const KINDS = ["sqlite", ...(redisReachable ? ["redis"] : [])] as const;
requireRedis("the dynamic-children chaos test on Redis");

let dir = "";
let spool: Spool | null = null;
let cleanup: () => Promise<void> | void = () => {};
const workers = new Set<ChildProcess>();

afterEach(async () => {
  for (const w of workers) w.kill("SIGKILL");
  workers.clear();
  await spool?.close();
  await cleanup();
  cleanup = () => {};
  if (dir && !process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
});

async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, url, dir, JSON.stringify(OPTIONS)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
  });
  workers.add(child);
  child.once("exit", () => workers.delete(child));
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await waitFor(() => out.includes("ready "), { timeout: 60_000, message: "worker ready" });
  return child;
}

const lines = () =>
  existsSync(spawnLog(dir)) ? readFileSync(spawnLog(dir), "utf8").split("\n").filter(Boolean) : [];

describe.each(KINDS)("dynamic children under kill -9 on %s", (kind) => {
  test("the parent completes exactly once with every child's result", async () => {
    dir = mkdtempSync(join(tmpdir(), "spool-chaos-spawn-"));
    let url = `sqlite://${join(dir, "spool.db")}`;
    if (kind === "redis") ({ url, cleanup } = redisUrl());
    spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
    const { parent } = defineSpawnChaosTasks(spool, dir);
    await spool.backend();
    const job = await parent.enqueue(CHILDREN);
    const childStates = async () => {
      const queues = await spool!.queues.list();
      return queues.find((q) => q.name === "default")?.counts;
    };

    const first = await startWorker(url);
    const second = await startWorker(url);
    // Kill 1: the parent waits, a third of the children are done, held ones are running.
    await waitFor(
      async () => {
        const c = await childStates();
        return (await job.state()) === "waiting" && c && c.completed >= CHILDREN / 3 && c.running > 0;
      },
      { timeout: 120_000, interval: 50, message: "parent waiting, a third done, children running" },
    );
    first.kill("SIGKILL");
    const third = await startWorker(url);
    // Kill 2 and 3: after the dead worker's children were taken again (a running count that
    // includes a new worker's claims), kill the others one after the other, starting fresh ones.
    const killed = [first.pid];
    for (const victim of [second, third]) {
      await waitFor(
        async () => {
          const running = await spool!.jobs.list({ state: "running", limit: 100 });
          return running.jobs.some(
            (j) => j.workerId !== null && !killed.some((pid) => j.workerId!.includes(`:${pid}:`)),
          );
        },
        { timeout: 120_000, interval: 50, message: "children running on a live worker" },
      );
      expect(await job.state()).toBe("waiting");
      victim.kill("SIGKILL");
      killed.push(victim.pid);
      await startWorker(url);
    }
    await startWorker(url);
    writeFileSync(spawnGate(dir), "");

    const expectedSum = (3 * (CHILDREN - 1) * CHILDREN) / 2;
    expect(await job.result({ timeout: "4m" })).toEqual({ count: CHILDREN, sum: expectedSum });

    const log = lines();
    expect(log.filter((l) => l.startsWith("spawn "))).toHaveLength(1);
    const resumes = log.filter((l) => l.startsWith("resume "));
    expect(resumes).toHaveLength(1);
    expect(resumes[0]).toMatch(new RegExp(`^resume 1 \\d+ ${CHILDREN} ${expectedSum} true$`));
    const done = new Set(log.filter((l) => l.startsWith("child ")).map((l) => Number(l.split(" ")[1])));
    expect(done.size).toBe(CHILDREN);
    const children = await spool.jobs.list({ task: "chaos.spawn.child", limit: 1000 });
    expect(children.jobs).toHaveLength(CHILDREN);
    expect(children.jobs.every((j) => j.state === "completed")).toBe(true);
    const retried = children.jobs.filter((j) => j.attempt > 1).length;
    expect(retried).toBeGreaterThan(0);
    const info = await job.get();
    expect(info).toMatchObject({ state: "completed", attempt: 1 });
    console.log(
      `spawn chaos (${kind}): ${CHILDREN} children, 3 workers killed -9 (pids ${killed.join(", ")}); ` +
        `${retried} children re-run after lease expiry; spawn ran once, resume ran once with all results in order`,
    );
  }, 400_000);
});
