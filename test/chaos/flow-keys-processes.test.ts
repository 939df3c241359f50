/**
 * Per-key flow-control properties across 3 worker processes sharing one store (SQLite file,
 * Redis): sampled every few ms while they drain, the jobs running per key never exceed the
 * key's cap; the stored start times of each key never hold more than limit + burst in any
 * window of `per`.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { redisReachable, redisUrl, requireRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { spawnWorkerProcess } from "./worker-process.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/flow-keys-worker.ts");
const CAP = 2;
const RATE = { limit: 10, per: 500, burst: 2 };
const KEYS = ["a", "b", "c"];

requireRedis("per-key flow-control property tests on Redis");
const kinds = redisReachable ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(kinds)("per-key flow control across 3 worker processes on %s", (kind) => {
  const children = new Map<ChildProcess, Promise<unknown>>();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const child of children.keys()) child.kill("SIGKILL");
    await Promise.all(children.values());
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ spool: Spool; url: string; dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), "spool-flow-keys-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let url = `sqlite://${join(dir, "flow.db")}`;
    if (kind === "redis") {
      const r = redisUrl();
      url = r.url;
      cleanups.push(r.cleanup);
    }
    const spool = createSpool({ backend: url, logger: { level: "silent" }, retention: false });
    cleanups.push(() => spool.close());
    type In = { k: string; ms?: number };
    // The same definitions as the workers': the key is computed here, at enqueue.
    spool.task({
      name: "keyed.cap",
      queue: "kcap",
      concurrency: { limit: CAP, key: (i: In) => i.k },
      run: () => null,
    });
    spool.task({
      name: "keyed.rate",
      queue: "krate",
      rateLimit: { ...RATE, key: (i: In) => i.k },
      run: () => null,
    });
    await (await spool.backend()).migrate();
    return { spool, url, dir };
  }

  async function workers(url: string, dir: string): Promise<void> {
    for (let i = 0; i < 3; i++)
      await spawnWorkerProcess({
        script: WORKER,
        args: [url, "4"],
        cwd: ROOT,
        logFile: join(dir, `worker-${i}.log`),
        label: `${kind} ${i}`,
        children,
      });
  }

  test("running per key never exceeds its cap; starts per key never exceed limit + burst per window", async () => {
    const { spool, url, dir } = await setup();
    const backend = await spool.backend();
    await spool.enqueueMany(
      KEYS.flatMap((k) =>
        Array.from({ length: 30 }, (_, i) => ({ task: "keyed.cap", input: { k, ms: 5 + (i % 4) * 5 } })),
      ),
    );
    const rated = await spool.enqueueMany(
      KEYS.flatMap((k) => Array.from({ length: 25 }, () => ({ task: "keyed.rate", input: { k } }))),
    );
    let peak = 0;
    let samples = 0;
    let drained = false;
    const sampler = (async () => {
      while (!drained) {
        const { jobs } = await backend.jobList({ queue: "kcap", state: "running", limit: 1000 });
        const per = new Map<string, number>();
        for (const j of jobs) per.set(j.limitKey ?? "?", (per.get(j.limitKey ?? "?") ?? 0) + 1);
        for (const n of per.values()) peak = Math.max(peak, n);
        samples++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    // The sampler runs from before the first worker starts until the queues are drained.
    await workers(url, dir);
    await waitFor(
      async () => {
        const byName = new Map((await spool.queues.list()).map((q) => [q.name, q]));
        return byName.get("kcap")?.counts.completed === 90 && byName.get("krate")?.counts.completed === 75;
      },
      { timeout: 180_000, interval: 100, message: "both queues drained" },
    );
    drained = true;
    await sampler;
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThanOrEqual(CAP);
    expect(peak).toBeGreaterThanOrEqual(1);
    const infos = await Promise.all(rated.map((j) => j.get()));
    for (const k of KEYS) {
      const starts = infos
        .filter((j) => j.limitKey === k)
        .map((j) => j.startedAt!)
        .sort((a, b) => a - b);
      expect(starts).toHaveLength(25);
      let worst = 0;
      for (let i = 0; i < starts.length; i++) {
        let n = 0;
        while (i + n < starts.length && starts[i + n]! < starts[i]! + RATE.per) n++;
        worst = Math.max(worst, n);
      }
      expect(worst).toBeLessThanOrEqual(RATE.limit + RATE.burst);
    }
  }, 300_000);
});
