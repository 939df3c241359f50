/**
 * Dedupe windows under concurrent enqueues from 3 processes sharing one store (SQLite file,
 * Redis): each mode ends with its documented outcome (docs/flow-control.md, "Dedupe windows").
 * The processes start enqueueing on one signal; with no spread every call of a process is
 * group-committed with its neighbours, so the rule must hold inside a group as well as across
 * processes.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Spool } from "../../src/client/spool.js";
import type { JobInfo } from "../../src/core/task.js";
import { processStoreKinds, processStores, ROOT } from "../support/process-store.js";
import { waitFor } from "../support/wait-for.js";

const ENQUEUER = join(import.meta.dirname, "fixtures/dedupe-enqueuer.ts");
const HOUR = 3_600_000;

interface CallResult {
  key: string;
  tag: string;
  id: string;
  created: boolean;
  deduplicated: boolean;
}

const kinds = processStoreKinds("dedupe property tests");

describe.each(kinds)("dedupe windows under enqueues from 3 processes on %s", (kind) => {
  const stores = processStores(kind);
  const store = () => stores.open("dedupe");

  /** Runs 3 enqueuer processes to the end and returns every call's result. */
  async function enqueueFrom3(
    url: string,
    args: { mode: string; windowMs: number; keys: number; perKey: number; spreadMs: number },
  ) {
    const procs = [0, 1, 2].map((i) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          ENQUEUER,
          url,
          `p${i}`,
          args.mode,
          String(args.windowMs),
          String(args.keys),
          String(args.perKey),
          String(args.spreadMs),
        ],
        { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, SPOOL_LOG_LEVEL: "warn" } },
      );
      let out = "";
      let err = "";
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
      });
      child.stderr!.on("data", (c: Buffer) => {
        err += c.toString();
      });
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      stores.children.set(child, exited);
      return { child, exited, out: () => out, err: () => err };
    });
    await waitFor(() => procs.every((p) => p.out().includes("ready ")), {
      timeout: 90_000,
      message: "3 enqueuer processes ready",
    });
    for (const p of procs) p.child.stdin!.write("go\n");
    const results: CallResult[] = [];
    for (const p of procs) {
      const code = await p.exited;
      expect(code, p.err()).toBe(0);
      const line = p
        .out()
        .split("\n")
        .find((l) => l.startsWith("["));
      results.push(...(JSON.parse(line!) as CallResult[]));
    }
    return results;
  }

  async function jobsByKey(spool: Spool): Promise<Map<string, JobInfo<{ key: string; tag: string }>[]>> {
    const out = new Map<string, JobInfo<{ key: string; tag: string }>[]>();
    let cursor: string | undefined;
    do {
      const page = await spool.jobs.list({ limit: 1000, order: "asc", ...(cursor ? { cursor } : {}) });
      for (const job of page.jobs as JobInfo<{ key: string; tag: string }>[]) {
        const list = out.get(job.input.key) ?? [];
        list.push(job);
        out.set(job.input.key, list);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  test("throttle: one job per key, every call returns it, exactly one call created it", {
    timeout: 180_000,
  }, async () => {
    const { url, spool } = await store();
    const results = await enqueueFrom3(url, {
      mode: "throttle",
      windowMs: HOUR,
      keys: 4,
      perKey: 40,
      spreadMs: 0,
    });
    expect(results).toHaveLength(3 * 4 * 40);
    const stored = await jobsByKey(spool);
    expect(stored.size).toBe(4);
    for (const [key, jobs] of stored) {
      expect(jobs, key).toHaveLength(1);
      const calls = results.filter((r) => r.key === key);
      expect(new Set(calls.map((c) => c.id))).toEqual(new Set([jobs[0]!.id]));
      expect(calls.filter((c) => c.created)).toHaveLength(1);
      expect(calls.filter((c) => c.deduplicated)).toHaveLength(calls.length - 1);
    }
  });

  test("throttle with a short window: created jobs of a key are at least one window apart", {
    timeout: 180_000,
  }, async () => {
    const { url, spool } = await store();
    const windowMs = 150;
    const results = await enqueueFrom3(url, {
      mode: "throttle",
      windowMs,
      keys: 2,
      perKey: 60,
      spreadMs: 1_200,
    });
    const stored = await jobsByKey(spool);
    for (const [key, jobs] of stored) {
      const created = jobs.map((j) => j.createdAt).sort((a, b) => a - b);
      // The calls span more than one window, so the window really was exercised.
      expect(created.length, key).toBeGreaterThan(1);
      for (let i = 1; i < created.length; i++)
        expect(created[i]! - created[i - 1]!).toBeGreaterThanOrEqual(windowMs);
      // Each call's answer is one of the key's stored jobs; exactly one call created each.
      const ids = new Set(jobs.map((j) => j.id));
      const calls = results.filter((r) => r.key === key);
      expect(calls.every((c) => ids.has(c.id))).toBe(true);
      expect(calls.filter((c) => c.created)).toHaveLength(jobs.length);
    }
  });

  for (const mode of ["debounce", "replace"] as const) {
    test(`${mode}: one pending job per key, holding the input of one of the calls`, {
      timeout: 180_000,
    }, async () => {
      const { url, spool } = await store();
      const results = await enqueueFrom3(url, { mode, windowMs: HOUR, keys: 3, perKey: 40, spreadMs: 0 });
      const stored = await jobsByKey(spool);
      expect(stored.size).toBe(3);
      for (const [key, jobs] of stored) {
        expect(jobs, key).toHaveLength(1);
        const job = jobs[0]!;
        const calls = results.filter((r) => r.key === key);
        expect(new Set(calls.map((c) => c.id))).toEqual(new Set([job.id]));
        expect(calls.filter((c) => c.created)).toHaveLength(1);
        expect(calls.map((c) => c.tag)).toContain(job.input.tag);
        if (mode === "debounce") {
          expect(job.state).toBe("scheduled");
          // Pushed back by later calls: at least a window after its creation. Each process reads
          // the store's clock through its own offset, so two processes' readings may differ by a
          // few ms (a CI run saw runAt 1 ms short of createdAt + window): allow 50 ms.
          expect(job.runAt).toBeGreaterThanOrEqual(job.createdAt + HOUR - 50);
        }
      }
    });
  }
});
