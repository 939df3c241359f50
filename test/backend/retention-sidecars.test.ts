/**
 * Removing a job (retention prune, `jobRemove`) also removes the rows that only describe it,
 * on every backend: the follow-up templates of a job that ended without taking them (a
 * cancelled one), the link to the follow-up its outcome made, and the dedupe record naming it,
 * but never the dedupe record of a later job of
 * the same key. The stores are inspected directly (SQLite file, PostgreSQL schema, Redis hash,
 * the memory store), since a leftover row is invisible through the Backend interface.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import type { Backend, NewJob } from "../../src/backend/backend.js";
import { MemoryBackend } from "../../src/backend/memory/memory-backend.js";
import type { MemoryStore } from "../../src/backend/memory/store.js";
import { createPostgresBackend } from "../../src/backend/postgres/index.js";
import { createRedisBackend } from "../../src/backend/redis/index.js";
import { createSqliteBackend } from "../../src/backend/sqlite/index.js";
import { FakeClock } from "../../src/core/clock.js";
import type { FollowUpJob } from "../../src/core/follow-ups.js";
import { newJobId } from "../../src/core/ids.js";
import {
  dropSchema,
  freshSchema,
  POSTGRES_URL_BASE,
  postgresReachable,
  withOptions,
} from "../support/postgres.js";
import { dropPrefix, REDIS_URL_BASE, redisReachable } from "../support/redis.js";

/**
 * What a store still keeps of the given jobs: ids holding follow-up templates, ids holding the
 * link to the follow-up their outcome made (jobFollowUps), ids in dedupe rows.
 */
type Probe = (ids: readonly string[]) => Promise<{ templates: string[]; links: string[]; dedupe: string[] }>;

interface Subject {
  backend: Backend;
  probe: Probe;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), "spool-retention-sidecars-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sorted = (ids: Iterable<string>) => [...ids].sort();

const subjects: [string, boolean, (clock: FakeClock) => Promise<Subject>][] = [
  [
    "memory",
    true,
    async (clock) => {
      const backend = new MemoryBackend(clock);
      const store = (backend as unknown as { store: MemoryStore }).store;
      return {
        backend,
        probe: async (ids) => ({
          templates: sorted(ids.filter((id) => store.jobs.get(id)?.followUps)),
          links: sorted(ids.filter((id) => store.jobs.get(id)?.followUpMade)),
          dedupe: sorted([...store.dedupe.values()].map((e) => e.jobId)),
        }),
        close: () => backend.close(),
      };
    },
  ],
  [
    "sqlite",
    true,
    async (clock) => {
      const file = join(dir, `${randomUUID()}.db`);
      const backend = await createSqliteBackend(`sqlite://${file}`, { clock });
      const db = new Database(file, { readonly: true });
      return {
        backend,
        probe: async (ids) => {
          const parents = (made: 0 | 1) =>
            (
              db
                .prepare("SELECT DISTINCT parent_id AS id FROM spool_follow_ups WHERE (outcome = 'made') = ?")
                .all(made) as { id: string }[]
            )
              .map((r) => r.id)
              .filter((id) => ids.includes(id));
          const rows = db.prepare("SELECT job_id AS id FROM spool_dedupe").all() as { id: string }[];
          return {
            templates: sorted(parents(0)),
            links: sorted(parents(1)),
            dedupe: sorted(rows.map((r) => r.id)),
          };
        },
        close: async () => {
          db.close();
          await backend.close();
        },
      };
    },
  ],
  [
    "redis",
    redisReachable,
    async (clock) => {
      const prefix = `spool-test-${randomUUID()}`;
      const sep = REDIS_URL_BASE.includes("?") ? "&" : "?";
      const backend = await createRedisBackend(`${REDIS_URL_BASE}${sep}prefix=${prefix}`, { clock });
      const k = backend.keyPrefix;
      return {
        backend,
        probe: async (ids) => {
          const templates: string[] = [];
          const links: string[] = [];
          for (const id of ids) {
            const [fut, fuc, fum] = await backend.client.hmget(`${k}job:${id}`, "fut", "fuc", "fum");
            if (fut !== null || fuc !== null) templates.push(id);
            if (fum !== null) links.push(id);
          }
          const recs = await backend.client.hvals(`${k}dedupe`);
          return {
            templates: sorted(templates),
            links: sorted(links),
            dedupe: sorted(recs.map((r) => r.slice(r.indexOf(":") + 1))),
          };
        },
        close: async () => {
          await dropPrefix(backend.client, prefix).catch(() => {});
          await backend.close();
        },
      };
    },
  ],
  [
    "postgres",
    postgresReachable,
    async (clock) => {
      const schema = freshSchema();
      const backend = await createPostgresBackend(withOptions({ schema, pool: 2 }), { clock });
      await backend.migrate();
      const pool = new pg.Pool({ connectionString: POSTGRES_URL_BASE, max: 1 });
      return {
        backend,
        probe: async (ids) => {
          const parents = async (made: boolean) =>
            (
              await pool.query(
                `SELECT DISTINCT parent_id AS id FROM ${schema}.follow_ups WHERE (outcome = 'made') = $1`,
                [made],
              )
            ).rows
              .map((r: { id: string }) => r.id)
              .filter((id: string) => ids.includes(id));
          const d = await pool.query(`SELECT job_id AS id FROM ${schema}.dedupe`);
          return {
            templates: sorted(await parents(false)),
            links: sorted(await parents(true)),
            dedupe: sorted(d.rows.map((r: { id: string }) => r.id)),
          };
        },
        close: async () => {
          await backend.close();
          await pool.end();
          await dropSchema(schema).catch(() => {});
        },
      };
    },
  ],
];

function tpl(parentId: string, outcome: "completed" | "failed"): FollowUpJob {
  return {
    id: newJobId(),
    task: "t.follow",
    queue: "follow",
    input: "1",
    priority: 0,
    maxAttempts: 1,
    meta: JSON.stringify({ parent: { id: parentId, outcome } }),
    leaseMs: null,
    timeoutMs: null,
    flow: null,
  };
}

function job(clock: FakeClock, over: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    task: "t",
    queue: "main",
    input: "null",
    priority: 0,
    runAt: clock.now(),
    maxAttempts: 1,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
    ...over,
  };
}

const WINDOW = 1_000;
const dedupe = { key: "u", mode: "throttle", windowMs: WINDOW, maxWaitMs: null } as const;

for (const [name, reachable, make] of subjects) {
  describe.skipIf(!reachable)(`retention sidecars on ${name}`, () => {
    test("a removed job's follow-up templates and dedupe record go; a later job's record stays", async () => {
      const clock = new FakeClock();
      const s = await make(clock);
      try {
        const { backend, probe } = s;
        // A: completes (takes its then template); B: cancelled (its templates never taken).
        const a = job(clock, { dedupe });
        a.followUps = { completed: tpl(a.id, "completed"), failed: tpl(a.id, "failed") };
        const b = job(clock);
        b.followUps = { completed: tpl(b.id, "completed") };
        await backend.jobEnqueue({ jobs: [a, b] });
        expect(await probe([a.id, b.id])).toEqual({
          templates: sorted([a.id, b.id]),
          links: [],
          dedupe: [a.id],
        });
        await backend.jobCancel({ ids: [b.id] });
        const { jobs } = await backend.jobClaim({
          queues: ["main"],
          limit: 1,
          workerId: "w",
          leaseMs: 30_000,
        });
        await backend.jobComplete({ jobs: [{ id: jobs[0]!.id, token: jobs[0]!.leaseToken, result: "1" }] });
        // A's outcome took its templates and left the link to its then job; B's stay until B is removed.
        expect(await probe([a.id, b.id])).toMatchObject({ templates: [b.id], links: [a.id] });
        // After A's window, C is the key's job; pruning A and B must not touch C's record.
        clock.advance(WINDOW + 1);
        const c = job(clock, { dedupe });
        await backend.jobEnqueue({ jobs: [c] });
        expect((await probe([])).dedupe).toEqual([c.id]);
        clock.advance(10);
        const pruned = await backend.retentionPrune({
          completedBefore: clock.now(),
          cancelledBefore: clock.now(),
          limit: 100,
        });
        // A, B, and A's then follow-up (still queued: not pruned).
        expect(pruned.removed).toBe(2);
        expect(await backend.jobGet({ id: a.id })).toBeNull();
        expect(await probe([a.id, b.id])).toEqual({ templates: [], links: [], dedupe: [c.id] });
        // C still deduplicates within its window.
        const again = await backend.jobEnqueue({ jobs: [job(clock, { dedupe })] });
        expect(again.jobs[0]).toMatchObject({ id: c.id, created: false });
        // Removing C (not started) drops its record too.
        await backend.jobCancel({ ids: [c.id] });
        await backend.jobRemove({ ids: [c.id] });
        expect((await probe([])).dedupe).toEqual([]);
      } finally {
        await s.close();
      }
    });
  });
}
