/**
 * A group-committed enqueue that was acknowledged survives kill -9 of the producer right after:
 * a producer process keeps 100 single enqueues in flight on a SQLite file and prints each id as
 * its call resolves; it is SIGKILLed mid-stream, and every id it printed must be in the file.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, expect, test } from "vitest";
import { createSpool } from "../../src/client/spool.js";
import { waitFor } from "../support/wait-for.js";

const here = dirname(fileURLToPath(import.meta.url));
const ENQUEUER = join(here, "fixtures/enqueuer.ts");
const dir = mkdtempSync(join(tmpdir(), "spool-chaos-group-commit-"));
let child: ReturnType<typeof spawn> | null = null;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("acknowledged group-committed enqueues survive kill -9 of the producer", {
  timeout: 120_000,
}, async () => {
  const file = join(dir, "spool.db");
  // Migrate first, as an application's deploy step would.
  const setup = createSpool({ backend: `sqlite://${file}`, logger: { level: "silent" } });
  await setup.backend();
  await setup.close();

  const proc = spawn(process.execPath, ["--import", "tsx", ENQUEUER, file], {
    cwd: resolve(here, "../.."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let out = "";
  let err = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    proc.once("exit", (_code, signal) => done(signal)),
  );
  const acked = () => out.split("\n").filter((line) => /^[0-9A-Za-z_-]{10,}$/.test(line));
  // Several groups acknowledged (more than one group of 100 in flight), then kill mid-stream.
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`producer exited: ${err}`);
      return acked().length >= 1000;
    },
    { timeout: 90_000, interval: 5, message: "1000 acknowledged enqueues" },
  );
  proc.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");

  // Only complete lines count: the last one may have been cut by the kill.
  const ids = out.endsWith("\n") ? acked() : acked().slice(0, -1);
  expect(ids.length).toBeGreaterThanOrEqual(1000);
  const db = new Database(file, { readonly: true });
  try {
    const get = db.prepare("SELECT id FROM spool_jobs WHERE id = ?");
    const missing = ids.filter((id) => get.get(id) === undefined);
    expect(missing).toEqual([]);
    // Calls still in flight at the kill were either written whole or not at all: every stored job is intact.
    const bad = db
      .prepare("SELECT count(*) AS n FROM spool_jobs WHERE state != 'queued' OR input IS NULL")
      .get();
    expect(bad).toEqual({ n: 0 });
  } finally {
    db.close();
  }
});
