/**
 * Enqueue inside the application's own transaction on PostgreSQL (`{ tx }`), with each library
 * an app may hold its transaction in: node-postgres, postgres.js, Drizzle, Kysely, Prisma. For each:
 * a rollback leaves no job and sends no wake-up; a commit makes the job visible (not before) and
 * wakes a subscriber in another process-like handle; `enqueueMany(calls, { tx })` writes the
 * batch in the transaction too.
 *
 * Prisma runs through its driver adapter for node-postgres (`@prisma/adapter-pg`, no query
 * engine binary) with the client generated from test/fixtures/prisma/schema.prisma, committed
 * beside it (generating needs Prisma's schema engine, which cannot be downloaded here).
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BackendEvent } from "../../src/backend/backend.js";
import { createPostgresBackend, type PostgresBackend } from "../../src/backend/postgres/index.js";
import { createSpool, type Spool } from "../../src/client/spool.js";
import type { AppTransaction } from "../../src/core/task.js";
import { PrismaClient } from "../fixtures/prisma/generated/client.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL { tx } tests");

class Rollback extends Error {}

/** Runs `body` in a transaction of one library, then commits or rolls back. */
interface Adapter {
  name: string;
  inTransaction(commit: boolean, body: (tx: AppTransaction) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

function adapters(): Adapter[] {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 2 });
  const sql = postgres(POSTGRES_URL_BASE, { max: 2, onnotice: () => {} });
  const kysely = new Kysely<Record<string, never>>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 2 }) }),
  });
  const db = drizzle(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: POSTGRES_URL_BASE, max: 2 }) });
  const swallow = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
  };
  return [
    {
      name: "node-postgres PoolClient",
      async inTransaction(commit, body) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await body(client);
          await client.query(commit ? "COMMIT" : "ROLLBACK");
        } finally {
          client.release();
        }
      },
      close: () => Promise.resolve(),
    },
    {
      name: "postgres.js sql.begin",
      inTransaction: (commit, body) =>
        swallow(() =>
          sql.begin(async (tx) => {
            await body(tx);
            if (!commit) throw new Rollback();
          }),
        ),
      close: () => sql.end(),
    },
    {
      name: "Drizzle (node-postgres) transaction",
      inTransaction: (commit, body) =>
        swallow(() =>
          db.transaction(async (tx) => {
            await body(tx);
            if (!commit) throw new Rollback();
          }),
        ),
      close: () => pool.end(),
    },
    {
      name: "Kysely Transaction",
      inTransaction: (commit, body) =>
        swallow(() =>
          kysely.transaction().execute(async (trx) => {
            await body(trx);
            if (!commit) throw new Rollback();
          }),
        ),
      close: () => kysely.destroy(),
    },
    {
      name: "Prisma interactive transaction",
      inTransaction: (commit, body) =>
        swallow(() =>
          prisma.$transaction(async (tx) => {
            await body(tx);
            if (!commit) throw new Rollback();
          }),
        ),
      close: () => prisma.$disconnect(),
    },
  ];
}

describe.skipIf(!postgresReachable)("enqueue inside the application's transaction", () => {
  const store = postgresUrl();
  let spool: Spool;
  let peer: PostgresBackend;
  const seen: BackendEvent[] = [];
  let list: Adapter[] = [];
  let mail: ReturnType<typeof define>;
  const define = (s: Spool) => s.task({ name: "mail", run: async (input: { to: string }) => input.to });

  beforeAll(async () => {
    spool = createSpool({ backend: store.url, logger: { level: "silent" } });
    mail = define(spool);
    await spool.backend();
    peer = await createPostgresBackend(store.url);
    await peer.migrate();
    peer.subscribe((events) => seen.push(...events));
    list = adapters();
  });

  afterAll(async () => {
    for (const a of list) await a.close();
    await peer?.close();
    await spool?.close();
    await store.cleanup();
  });

  /** Every earlier commit's notification arrives before a later commit's: wait for a later one. */
  async function settleFeed(): Promise<void> {
    const marker = await mail.enqueue({ to: "marker" });
    await expect.poll(() => seen.some((e) => e.jobId === marker.id), { timeout: 10_000 }).toBe(true);
  }

  for (const name of [
    "node-postgres PoolClient",
    "postgres.js sql.begin",
    "Drizzle (node-postgres) transaction",
    "Kysely Transaction",
    "Prisma interactive transaction",
  ]) {
    test(`${name}: rollback leaves no job and no wake-up`, async () => {
      const adapter = list.find((a) => a.name === name)!;
      let id = "";
      await adapter.inTransaction(false, async (tx) => {
        id = (await mail.enqueue({ to: "a" }, { tx })).id;
        const [other] = await spool.enqueueMany([mail.with({ to: "b" })], { tx });
        expect(other).toBeDefined();
      });
      expect(id).not.toBe("");
      expect(await spool.jobs.get(id)).toBeNull();
      await settleFeed();
      expect(seen.some((e) => e.jobId === id)).toBe(false);
    });

    test(`${name}: commit makes the jobs visible (not before) and wakes another handle`, async () => {
      const adapter = list.find((a) => a.name === name)!;
      const ids: string[] = [];
      await adapter.inTransaction(true, async (tx) => {
        ids.push((await mail.enqueue({ to: "c" }, { tx })).id);
        const many = await spool.enqueueMany([mail.with({ to: "d" }), mail.with({ to: "e" })], { tx });
        ids.push(...many.map((h) => h.id));
        // Not committed yet: invisible to every other connection.
        expect(await spool.jobs.get(ids[0]!)).toBeNull();
      });
      for (const id of ids) expect((await spool.jobs.get(id))?.state).toBe("queued");
      await expect
        .poll(() => ids.every((id) => seen.some((e) => e.type === "job:enqueued" && e.jobId === id)), {
          timeout: 10_000,
        })
        .toBe(true);
    });
  }

  test("the calls of one batch must share one transaction, and tx must be an object", async () => {
    const client = await new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 1 }).connect();
    try {
      await expect(
        spool.enqueueMany([mail.with({ to: "x" }, { tx: client })], { tx: {} as AppTransaction }),
      ).rejects.toThrow(/share one transaction/);
      await expect(mail.enqueue({ to: "x" }, { tx: {} })).rejects.toThrow(/not a transaction spool knows/);
    } finally {
      client.release(true);
    }
  });
});

test("backends without { tx } refuse it with a typed error", async () => {
  const spool = createSpool({ backend: "memory://", logger: { level: "silent" } });
  const t = spool.task({ name: "t", run: async () => 1 });
  await expect(t.enqueue(undefined, { tx: {} })).rejects.toThrow(
    /cannot enqueue inside an application transaction/,
  );
  await spool.close();
});
