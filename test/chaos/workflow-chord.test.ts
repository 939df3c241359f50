/**
 * A chord under kill -9: worker processes on one SQLite file run a 300-member chord; one is
 * SIGKILLed while members are in flight (their leases expire and they are retried by the
 * survivors). The callback must run exactly once, after every member, with every result in
 * order — never zero times (a lost release) and never twice (a double release).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";
import { defineWorkflowChaosTasks, holdGate, workflowLog } from "./fixtures/workflow-app.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "../..");
const WORKER = join(here, "fixtures/workflow-worker.ts");
const MEMBERS = 300;
const OPTIONS = { concurrency: 8, lease: "1s", pollInterval: 50, shutdownGrace: "1s" };

let dir = "";
let spool: Spool | null = null;
const children = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  await spool?.close();
  if (dir && !process.env.SPOOL_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
});

async function spawnWorker(db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, db, dir, JSON.stringify(OPTIONS)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, SPOOL_LOG_LEVEL: "warn" },
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await waitFor(() => out.includes("ready "), { timeout: 60_000, message: "worker ready" });
  return child;
}

const lines = () =>
  existsSync(workflowLog(dir)) ? readFileSync(workflowLog(dir), "utf8").split("\n").filter(Boolean) : [];

test("a worker killed -9 in the middle of a chord still yields exactly one callback run with all results", async () => {
  dir = mkdtempSync(join(tmpdir(), "spool-chaos-workflow-"));
  const db = join(dir, "spool.db");
  spool = createSpool({ backend: `sqlite://${db}`, logger: { level: "silent" }, retention: false });
  const { item, collect } = defineWorkflowChaosTasks(spool, dir);
  await spool.backend();
  const wf = await spool
    .chord(
      // Members after the first third hold until the gate opens, so the moment to kill (a third
      // done, some running) lasts until the test acts, instead of a window it could miss.
      Array.from({ length: MEMBERS }, (_, i) => item.with(i < MEMBERS / 3 ? { i } : { i, hold: true })),
      collect.with(),
    )
    .enqueue();

  const victim = await spawnWorker(db);
  await spawnWorker(db);
  // Kill while members are in flight: a third done, some running.
  await waitFor(
    async () => {
      const info = await wf.get();
      return info.counts.completed >= MEMBERS / 3 && info.counts.running > 0;
    },
    { timeout: 120_000, interval: 50, message: "a third of the chord completed, the rest held" },
  );
  const killedPid = victim.pid!;
  victim.kill("SIGKILL");
  await spawnWorker(db);
  writeFileSync(holdGate(dir), "");

  const result = await wf.result({ timeout: "3m" });
  const expectedSum = (3 * (MEMBERS - 1) * MEMBERS) / 2;
  expect(result).toEqual({ count: MEMBERS, sum: expectedSum });

  const callbacks = lines().filter((l) => l.startsWith("callback "));
  expect(callbacks).toHaveLength(1);
  expect(callbacks[0]).toMatch(new RegExp(`^callback 1 \\d+ ${MEMBERS} ${expectedSum} true$`));
  const nodes = await wf.nodes();
  expect(nodes.filter((n) => n.state === "completed")).toHaveLength(MEMBERS + 1);
  const rescued = nodes.filter((n) => n.attempt > 1);
  const items = lines().filter((l) => l.startsWith("item "));
  const killedRuns = items.filter((l) => l.endsWith(` ${killedPid}`)).length;
  console.log(
    `workflow chaos: ${MEMBERS}-member chord, worker ${killedPid} killed after ${killedRuns} item runs; ` +
      `${rescued.length} members re-run after lease expiry; callback ran once with ${MEMBERS} results in order`,
  );
  expect(rescued.length).toBeGreaterThan(0);
}, 300_000);
