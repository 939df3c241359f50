/**
 * One spool client per test on a fresh store: the memory backend, or a temp SQLite file
 * (removed with its -wal/-shm files on close). Worker tests run once per kind.
 *
 * `close()` stops every worker the test made and fails if one reported an error the test
 * did not expect, or if a change-feed subscription outlived its worker.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";
import type { Backend, JobClaimParams, JobClaimResult } from "../../src/backend/backend.js";
import { MemoryBackend } from "../../src/backend/memory/memory-backend.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { type Clock, systemClock } from "../../src/core/clock.js";
import type { Worker, WorkerOptions } from "../../src/worker/worker.js";

export type BackendKind = "memory" | "sqlite";
export const BACKEND_KINDS: readonly BackendKind[] = ["memory", "sqlite"];

let dir: string | null = null;
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tempDbFile(): string {
  dir ??= mkdtempSync(join(tmpdir(), "spool-worker-test-"));
  return join(dir, `${randomUUID()}.db`);
}

export interface HarnessOptions {
  clock?: Clock;
  payloadLimit?: number;
  /** Share another harness's store, as a second process (SQLite) or a second client (memory) would. */
  shareWith?: Harness;
}

export interface ClaimRecord {
  params: JobClaimParams;
  result: JobClaimResult;
}

export interface Harness {
  kind: BackendKind;
  spool: Spool;
  backend: Backend;
  /** Every `jobClaim` this client's backend answered (the spy tests wait on instead of sleeping). */
  claims: ClaimRecord[];
  /** `worker:error` events from this harness's workers. */
  workerErrors: unknown[];
  /** A worker with test-friendly defaults (fast poll); stopped by `close()`. */
  worker(options?: WorkerOptions): Worker;
  /** Jobs in the store, all queues and states. */
  totalJobs(): Promise<number>;
  /** Active change-feed subscriptions made through this harness's backend. */
  readonly subscriptions: number;
  close(): Promise<void>;
}

/**
 * For one describe block: `harness(options)` makes a harness that is closed after its test (the
 * newest first, so a second client closes before the store it shares).
 */
export function harnessPerTest(kind: BackendKind): (options?: HarnessOptions) => Promise<Harness> {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });
  return async (options = {}) => {
    const h = await createHarness(kind, options);
    open.push(h);
    return h;
  };
}

export async function createHarness(kind: BackendKind, options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock;
  let source: string | Backend;
  let file: string | null = null;
  if (kind === "memory") {
    source = options.shareWith ? options.shareWith.backend : new MemoryBackend(clock ?? systemClock);
  } else {
    file = options.shareWith ? (options.shareWith as HarnessImpl).file! : tempDbFile();
    source = `sqlite://${file}`;
  }
  const spool = createSpool({
    backend: source,
    logger: { level: "silent" },
    ...(clock ? { clock } : {}),
    ...(options.payloadLimit ? { payloadLimit: options.payloadLimit } : {}),
  });
  const backend = await spool.backend();
  const claims: ClaimRecord[] = [];
  const claim = backend.jobClaim.bind(backend);
  backend.jobClaim = async (params) => {
    const result = await claim(params);
    claims.push({ params, result });
    return result;
  };
  let subscriptions = 0;
  const subscribe = backend.subscribe.bind(backend);
  backend.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    subscriptions++;
    let done = false;
    return () => {
      if (!done) subscriptions--;
      done = true;
      unsubscribe();
    };
  };
  const workers: Worker[] = [];
  const workerErrors: unknown[] = [];
  const h: HarnessImpl = {
    kind,
    spool,
    backend,
    claims,
    workerErrors,
    file,
    get subscriptions() {
      return subscriptions;
    },
    worker(workerOptions = {}) {
      const w = spool.worker({ pollInterval: 50, ...workerOptions });
      w.on("worker:error", (err) => workerErrors.push(err));
      workers.push(w);
      return w;
    },
    async totalJobs() {
      const queues = await backend.queueList();
      return queues.reduce((n, q) => n + Object.values(q.counts).reduce((a, b) => a + b, 0), 0);
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop({ grace: 0 })));
      await spool.close();
      if (file && !options.shareWith)
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
  };
  return h;
}

interface HarnessImpl extends Harness {
  file: string | null;
}

/** Claims made since `from` (an index into `h.claims`). */
export function claimsSince(h: Harness, from: number): number {
  return h.claims.length - from;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
