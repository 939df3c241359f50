/**
 * SQLite under another process's write lock, and with its file deleted or replaced
 * (issue 12, faults 11 and 12).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { createSqliteBackend, type SqliteBackend } from "../../src/backend/sqlite/index.js";
import { BackendError } from "../../src/core/errors/index.js";
import { waitFor } from "../support/wait-for.js";
import { newJob, tempDir } from "./sqlite-helpers.js";

const HOLDER = fileURLToPath(new URL("./fixtures/sqlite-lock-holder.ts", import.meta.url));
const tmp = tempDir();
const open: SqliteBackend[] = [];
const holders: ChildProcessWithoutNullStreams[] = [];

afterEach(async () => {
  for (const h of holders.splice(0)) h.kill();
  for (const b of open.splice(0)) await b.close();
});
afterAll(() => tmp.cleanup());

async function backendAt(file: string, query = ""): Promise<SqliteBackend> {
  const backend = await createSqliteBackend(`sqlite://${file}${query}`);
  open.push(backend);
  return backend;
}

/** Another process that holds the write lock of `file` until `release()`. */
async function holdLock(file: string): Promise<{ release: () => Promise<void> }> {
  const proc = spawn(process.execPath, ["--import", "tsx", HOLDER, file], { stdio: "pipe" });
  holders.push(proc);
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== "locked") throw new Error(`lock holder said ${String(first.value)}`);
  return {
    release: async () => {
      proc.stdin.write("release\n");
      const next = await lines.next();
      if (next.value !== "released") throw new Error(`lock holder said ${String(next.value)}`);
    },
  };
}

/** Counts timer ticks (the event loop turning) until stopped. */
function ticker(): { count: () => number; stop: () => void } {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  return { count: () => ticks, stop: () => clearInterval(timer) };
}

describe("a write lock held by another process", () => {
  test("does not block this process's event loop: the write waits, then succeeds", async () => {
    const file = tmp.file();
    const backend = await backendAt(file);
    const lock = await holdLock(file);
    const ticks = ticker();
    let settled = false;
    const job = newJob("q");
    const enqueue = backend.jobEnqueue({ jobs: [job] }).finally(() => {
      settled = true;
    });
    try {
      // The loop keeps turning while the enqueue waits for the lock (a synchronous wait inside
      // better-sqlite3 would stop every timer until the lock came free or busy_timeout ran out).
      await waitFor(() => ticks.count() >= 20, { message: "20 timer ticks during the lock wait" });
      expect(settled).toBe(false);
    } finally {
      ticks.stop();
    }
    await lock.release();
    expect((await enqueue).jobs).toEqual([{ id: job.id, state: "queued", created: true }]);
    expect((await backend.jobGet({ id: job.id }))?.state).toBe("queued");
  });

  test("held past busy_timeout fails the write with a BackendError, the loop turning meanwhile", async () => {
    const file = tmp.file();
    const backend = await backendAt(file, "?busy_timeout=1000");
    const lock = await holdLock(file);
    const ticks = ticker();
    const job = newJob("q");
    const error = await backend.jobEnqueue({ jobs: [job] }).catch((e: unknown) => e);
    const during = ticks.count();
    ticks.stop();
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/SQLITE_BUSY/);
    expect(during).toBeGreaterThanOrEqual(5);
    await lock.release();
    expect(await backend.jobGet({ id: job.id })).toBeNull();
  });
});

describe("a database file deleted or replaced under a running process", () => {
  test("a deleted file: every later call fails with STORE_REPLACED, nothing is written to the old file", async () => {
    const file = tmp.file();
    const backend = await backendAt(file);
    await backend.jobEnqueue({ jobs: [newJob("q")] });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
    const job = newJob("q");
    await expect(backend.jobEnqueue({ jobs: [job] })).rejects.toMatchObject({ code: "STORE_REPLACED" });
    await expect(backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 1000 })).rejects.toThrow(
      /was deleted/,
    );
    // A new process opens a fresh file at the path; the refused job is nowhere.
    const fresh = await backendAt(file);
    expect(await fresh.jobGet({ id: job.id })).toBeNull();
  });

  test("a replaced file: calls fail with STORE_REPLACED, and closing leaves the new file's WAL alone", async () => {
    const file = tmp.file();
    const old = await backendAt(file);
    await old.jobEnqueue({ jobs: [newJob("q")] });
    // Another database, open in another handle, with a committed job still in its WAL.
    const other = tmp.file();
    const writer = await backendAt(other);
    const kept = newJob("q");
    await writer.jobEnqueue({ jobs: [kept] });
    for (const suffix of ["", "-wal", "-shm"]) renameSync(`${other}${suffix}`, `${file}${suffix}`);
    await expect(old.jobGet({ id: kept.id })).rejects.toMatchObject({ code: "STORE_REPLACED" });
    await expect(old.jobEnqueue({ jobs: [newJob("q")] })).rejects.toThrow(/replaced by another file/);
    // Closing the old handle must not delete <file>-wal, which is now the new database's.
    await old.close();
    const reader = await backendAt(file);
    expect((await reader.jobGet({ id: kept.id }))?.state).toBe("queued");
  });
});
