/**
 * Change-feed notifications on PostgreSQL are coalesced per process (notifier.ts): a burst of
 * writes sends about one NOTIFY per interval, not one per write, and every event still reaches
 * a listener in another process. Counted with a raw LISTEN connection on the schema's channel.
 * Bounds are counts, not speeds: at most one notification per transaction, and notifications at
 * least NOTIFY_MIN_INTERVAL_MS apart, so at most 1 + elapsed / interval of them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BackendEvent } from "../../src/backend/backend.js";
import { createPostgresBackend, type PostgresBackend } from "../../src/backend/postgres/index.js";
import { NOTIFY_MIN_INTERVAL_MS } from "../../src/backend/postgres/store.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import { newJob } from "../conformance/suite/helpers.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL NOTIFY rate tests");

describe.skipIf(!postgresReachable)("NOTIFY rate on PostgreSQL", () => {
  const store = postgresUrl();
  const listener = new pg.Client({ connectionString: POSTGRES_URL_BASE });
  let spool: Spool;
  let peer: PostgresBackend;
  let notifications = 0;
  const seen = new Set<string>();
  let task: ReturnType<typeof define>;
  const define = (s: Spool) => s.task({ name: "noop", run: () => undefined });

  beforeAll(async () => {
    spool = createSpool({ backend: store.url, logger: { level: "silent" } });
    task = define(spool);
    await spool.backend();
    // Another process-like handle: it hears the events only through LISTEN.
    peer = await createPostgresBackend(store.url);
    await peer.migrate();
    peer.subscribe((events: readonly BackendEvent[]) => {
      for (const e of events) if (e.type === "job:enqueued") seen.add(e.jobId);
    });
    await listener.connect();
    listener.on("notification", (msg) => {
      if (msg.channel === `spool:${store.schema}`) notifications++;
    });
    await listener.query(`LISTEN "spool:${store.schema}"`);
  });

  afterAll(async () => {
    await listener.end().catch(() => {});
    await peer?.close();
    await spool?.close();
    await store.cleanup();
  });

  /** Runs `burst`, then waits until every id was heard by the peer; returns notifications and ms. */
  async function measure(
    burst: () => Promise<string[]>,
  ): Promise<{ sent: number; ms: number; ids: string[] }> {
    // Let earlier notifications arrive, and the interval pass, before counting.
    await new Promise((r) => setTimeout(r, 500));
    const before = notifications;
    const t0 = performance.now();
    const ids = await burst();
    const ms = performance.now() - t0;
    await expect.poll(() => ids.every((id) => seen.has(id)), { timeout: 30_000 }).toBe(true);
    // The notification carrying the last events is sent at most one interval after the burst.
    return { sent: notifications - before, ms: ms + NOTIFY_MIN_INTERVAL_MS, ids };
  }

  test("a 10,000-job bulk enqueue (10 transactions of 1,000) sends a handful of notifications", async () => {
    const { sent } = await measure(async () => {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const handles = await task.enqueueMany(Array.from({ length: 1000 }, () => ({ input: undefined })));
        ids.push(...handles.map((h) => h.id));
      }
      return ids;
    });
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(10);
  });

  test("10,000 single enqueues (100 in flight) send at most one notification per interval, every event delivered", async () => {
    const { sent, ms, ids } = await measure(async () => {
      const ids: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 100 }, async () => {
          while (next < 10_000) {
            next++;
            ids.push((await task.enqueue(undefined)).id);
          }
        }),
      );
      return ids;
    });
    expect(ids).toHaveLength(10_000);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(1 + Math.ceil(ms / NOTIFY_MIN_INTERVAL_MS));
    // One per transaction would be 10,000.
    expect(sent).toBeLessThan(10_000);
    console.log(`10,000 single enqueues in ${Math.round(ms)} ms sent ${sent} notifications`);
  });

  test("an isolated single enqueue notifies inside its own statement, once, and a listener hears it", async () => {
    const backend = (await spool.backend()) as PostgresBackend;
    const notifier = backend.store.notifier;
    // Nothing buffered or recently sent: the next enqueue may carry its own notification.
    await new Promise((r) => setTimeout(r, 500));
    const before = notifications;
    const inlineBefore = notifier.sentInline;
    const sentBefore = notifier.sent;
    const { id } = await task.enqueue(undefined);
    await expect.poll(() => seen.has(id), { timeout: 10_000 }).toBe(true);
    expect(notifier.sentInline - inlineBefore).toBe(1);
    expect(notifier.sent - sentBefore).toBe(1);
    await expect.poll(() => notifications - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // Let a stray second notification (the notifier's own send) arrive if there were one.
    await new Promise((r) => setTimeout(r, 200));
    expect(notifications - before).toBe(1);
  });

  test("an enqueue that fails (duplicate id) sends no notification from its statement", async () => {
    const { id } = await task.enqueue(undefined);
    await expect.poll(() => seen.has(id), { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const before = notifications;
    const backend = await spool.backend();
    await expect(backend.jobEnqueue({ jobs: [newJob(backend.clock, { id, task: "noop" })] })).rejects.toThrow(
      /already exists/,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(notifications - before).toBe(0);
    // The notifier is free again: the next isolated enqueue notifies.
    await new Promise((r) => setTimeout(r, 100));
    const next = await task.enqueue(undefined);
    await expect.poll(() => seen.has(next.id), { timeout: 10_000 }).toBe(true);
  });

  test("a rolled-back enqueue inside the app's transaction sends none", async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL_BASE });
    await client.connect();
    try {
      await new Promise((r) => setTimeout(r, 500));
      const before = notifications;
      await client.query("BEGIN");
      await task.enqueue(undefined, { tx: client });
      await client.query("ROLLBACK");
      // A later commit's notification arrives after any the rollback could have sent.
      const marker = await task.enqueue(undefined);
      await expect.poll(() => seen.has(marker.id), { timeout: 10_000 }).toBe(true);
      // The peer's LISTEN and this raw one hear the same notification, not at the same instant.
      await expect.poll(() => notifications - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(notifications - before).toBe(1);
    } finally {
      await client.end();
    }
  });
});
