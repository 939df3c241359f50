/**
 * Exactly-once firing under a race and crashes: three scheduler processes on one SQLite file
 * fire a 1-second schedule for over 20 seconds. Mid-run one is killed with -9 and restarted;
 * later every scheduler is killed with -9 at once and restarted after a gap, so the misfire
 * policy ("all") must catch up the fires nobody made. Every fire time from the first to the
 * last must be enqueued exactly once: no duplicates, none missed.
 *
 * Only processes this test spawned are ever signalled.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";
import { defineRace, RACE_SCHEDULE } from "./fixtures/scheduler-app.js";
import { chaosStore } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const FIXTURE = join(here, "fixtures/scheduler.ts");
/** Fires to reach before the end (about 24 s of a 1-second schedule). */
const RUN_FIRES = 24;

const dir = mkdtempSync(join(tmpdir(), "spool-chaos-scheduler-"));
const store = chaosStore(join(dir, "spool.db"));
const children = new Map<ChildProcess, Promise<void>>();
let logs = 0;

afterAll(async () => {
  for (const child of children.keys()) child.kill("SIGKILL");
  await Promise.all(children.values());
  await store.cleanup();
  if (!process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
});

async function spawnScheduler(): Promise<ChildProcess> {
  const logFile = join(dir, `scheduler-${++logs}.log`);
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, store.url], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
  });
  child.stderr!.pipe(createWriteStream(logFile));
  children.set(
    child,
    new Promise((done) =>
      child.once("exit", () => {
        children.delete(child);
        done();
      }),
    ),
  );
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await waitFor(
    () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`scheduler exited early: ${readFileSync(logFile, "utf8").slice(-2000)}`);
      return out.includes("ready ");
    },
    { timeout: 60_000, message: "scheduler ready" },
  );
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = children.get(child);
  child.kill("SIGKILL");
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fireTimes(spool: Spool): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await spool.jobs.list({
      task: "race.tick",
      limit: 1000,
      order: "asc",
      ...(cursor ? { cursor } : {}),
    });
    for (const j of page.jobs) if (j.meta.schedule === RACE_SCHEDULE) out.push(j.meta.fireAt as number);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

test("three schedulers, kill -9 and restarts: every fire time of a 1-second schedule is enqueued exactly once", async () => {
  const spool = createSpool({ backend: store.url, logger: { level: "silent" }, retention: false });
  try {
    await spool.backend(); // migrate before the processes race to open the file
    let alive = await Promise.all([spawnScheduler(), spawnScheduler(), spawnScheduler()]);
    await sleep(6_000);
    // One scheduler dies mid-run (maybe mid-fire) and comes back.
    await kill9(alive[0]!);
    await sleep(2_500);
    alive = [await spawnScheduler(), alive[1]!, alive[2]!];
    await sleep(4_000);
    // Every scheduler dies: nobody fires for a while. The restarted ones must catch up.
    await Promise.all(alive.map(kill9));
    const outageFrom = Date.now();
    await sleep(3_000);
    alive = await Promise.all([spawnScheduler(), spawnScheduler(), spawnScheduler()]);
    const outageMs = Date.now() - outageFrom;
    // Run on until the schedule has fired RUN_FIRES times (a count that only grows), not for a
    // fixed time: on a loaded machine, spawning schedulers can eat most of any fixed window.
    const backend = await spool.backend();
    await waitFor(
      async () => ((await backend.scheduleGet({ name: RACE_SCHEDULE }))?.runs ?? 0) >= RUN_FIRES,
      { timeout: 90_000, interval: 250, message: `${RUN_FIRES} fires recorded` },
    );
    for (const child of alive) child.kill("SIGTERM");
    await Promise.all(alive.map((c) => children.get(c)));

    const info = await defineRace(spool).ready;
    const times = await fireTimes(spool);
    const unique = new Set(times);
    const first = info.anchorAt + 1_000;
    const last = info.lastFireAt!;
    const expected = Math.round((last - first) / 1_000) + 1;
    const missed = [];
    for (let t = first; t <= last; t += 1_000) if (!unique.has(t)) missed.push(t);
    const catchUps = (await spool.jobs.list({ task: "race.tick", limit: 1000 })).jobs.filter(
      (j) => j.meta.catchUp === true,
    ).length;
    console.log(
      `scheduler race: ${expected} fire times expected (${new Date(first).toISOString()} .. ${new Date(last).toISOString()}), ` +
        `${times.length} enqueued, ${times.length - unique.size} duplicates, ${missed.length} missed; ` +
        `all-down outage ${outageMs} ms, ${catchUps} caught up by misfire "all"`,
    );
    expect(times.length - unique.size, "duplicate fires").toBe(0);
    expect(missed, "missed fire times").toEqual([]);
    expect(times.length).toBe(expected);
    expect(expected).toBeGreaterThanOrEqual(RUN_FIRES);
    expect(catchUps).toBeGreaterThan(0);
    // Jobs are queued at their fire time: the store holds nothing else.
    expect(info.runs).toBe(expected);
  } finally {
    await spool.close();
  }
}, 240_000);
