/**
 * PostgreSQL-specific behaviour (the shared semantics are in test/conformance): URLs, typed
 * connection errors, migrations raced from several handles, schemas, the server's clock, and
 * the change feed's large batches.
 */
import pg from "pg";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { BackendEvent, NewJob } from "../../src/backend/backend.js";
import { createBackend } from "../../src/backend/create-backend.js";
import { NOTIFY_INLINE_MAX } from "../../src/backend/postgres/feed.js";
import { MIGRATIONS } from "../../src/backend/postgres/generated/sql.js";
import {
  createPostgresBackend,
  type PostgresBackend,
  parsePostgresUrl,
  SCHEMA_VERSION,
} from "../../src/backend/postgres/index.js";
import { FakeClock } from "../../src/core/clock.js";
import { BackendError, InvalidArgumentError } from "../../src/core/errors/index.js";
import { newJobId } from "../../src/core/ids.js";
import { POSTGRES_URL_BASE, postgresReachable, postgresUrl, requirePostgres } from "../support/postgres.js";

requirePostgres("the PostgreSQL backend tests");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  vi.restoreAllMocks();
});

async function fresh(options: Record<string, string | number | boolean> = {}, clock?: FakeClock) {
  const { url, schema, cleanup } = postgresUrl(options);
  cleanups.push(cleanup);
  const open = async () => {
    const backend = await createPostgresBackend(url, clock ? { clock } : {});
    cleanups.push(() => backend.close());
    await backend.migrate();
    return backend;
  };
  return { url, schema, backend: await open(), open };
}

function job(now: number, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: newJobId(),
    task: "t",
    queue: "q",
    input: "{}",
    priority: 0,
    runAt: now,
    maxAttempts: 3,
    key: null,
    meta: {},
    dependsOn: [],
    leaseMs: null,
    timeoutMs: null,
    ...overrides,
  };
}

async function serverNow(): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES_URL_BASE });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now",
    );
    return rows[0].now as number;
  } finally {
    await client.end();
  }
}

describe("postgres URLs", () => {
  test("spool's options come out of the URL; the rest goes to node-postgres", () => {
    const o = parsePostgresUrl("postgres://u:p@db:5433/app?schema=jobs&pool=4&listen=false&sslmode=disable");
    expect(o).toEqual({
      connectionString: "postgres://u:p@db:5433/app?sslmode=disable",
      schema: "jobs",
      poolSize: 4,
      listen: false,
    });
    expect(parsePostgresUrl("postgresql://db/app")).toMatchObject({
      schema: "spool",
      poolSize: 10,
      listen: true,
    });
  });

  test("bad options are refused with a typed error naming the option", () => {
    expect(() => parsePostgresUrl("postgres://db/app?schema=Bad-Name")).toThrow(InvalidArgumentError);
    expect(() => parsePostgresUrl("postgres://db/app?pool=0")).toThrow(/pool/);
    expect(() => parsePostgresUrl("postgres://db/app?listen=maybe")).toThrow(/listen/);
  });
});

describe.skipIf(!postgresReachable)("postgres backend", () => {
  test("createBackend opens postgres:// and postgresql:// URLs", async () => {
    const { url } = postgresUrl();
    for (const scheme of ["postgres:", "postgresql:"]) {
      const backend = await createBackend(url.replace(/^postgres:/, scheme));
      cleanups.push(() => backend.close());
      expect(backend.kind).toBe("postgres");
    }
  });

  test("a wrong password fails with a typed BackendError that hides the password", async () => {
    const url = new URL(POSTGRES_URL_BASE);
    url.password = "definitely-wrong";
    const backend = await createPostgresBackend(url.toString());
    cleanups.push(() => backend.close());
    const error = await backend.migrate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const failure = await backend.jobEnqueue({ jobs: [job(Date.now())] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BackendError);
    expect((failure as BackendError).code).toBe("BACKEND_AUTH");
    expect(String((failure as Error).message)).not.toContain("definitely-wrong");
  });

  test("an unreachable server fails with a BackendError, not a hang", async () => {
    const backend = await createPostgresBackend("postgres://spool:spool@127.0.0.1:1/spool");
    cleanups.push(() => backend.close());
    await expect(backend.jobEnqueue({ jobs: [job(Date.now())] })).rejects.toThrow(/cannot reach the server/);
  });

  test("handles migrating at once agree on one schema version, and a second migrate is a no-op", async () => {
    const { open, schema } = await fresh();
    const handles = await Promise.all([open(), open(), open(), open()]);
    await Promise.all(handles.map((h) => h.migrate()));
    const client = new pg.Client({ connectionString: POSTGRES_URL_BASE });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT version FROM "${schema}".migrations ORDER BY version`);
      // Every migration once (versions may have gaps: parallel branches number theirs apart).
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      expect(Number(rows.at(-1)?.version)).toBe(SCHEMA_VERSION);
    } finally {
      await client.end();
    }
  });

  test("a migration numbered below the newest applied one still runs (parallel branches number apart)", async () => {
    // A store that has the newest migration but lacks an older-numbered one (as when a release
    // adds a migration numbered below one already shipped) must get it on the next start.
    const { open, schema } = await fresh();
    const middle = MIGRATIONS.find((m) => m.name.includes("dedupe"));
    expect(middle && middle.version < SCHEMA_VERSION).toBe(true);
    const client = new pg.Client({ connectionString: POSTGRES_URL_BASE });
    await client.connect();
    try {
      await client.query(`DROP TABLE "${schema}".dedupe`);
      await client.query(`DELETE FROM "${schema}".migrations WHERE version = $1`, [middle?.version]);
      const again = await open();
      await again.migrate();
      const { rows } = await client.query(`SELECT version FROM "${schema}".migrations ORDER BY version`);
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      const table = await client.query(`SELECT to_regclass($1) AS t`, [`"${schema}".dedupe`]);
      expect(table.rows[0]?.t).not.toBeNull();
    } finally {
      await client.end();
    }
  });

  test("two schemas on one database do not see each other's jobs", async () => {
    const a = await fresh();
    const b = await fresh();
    const now = Date.now();
    await a.backend.jobEnqueue({ jobs: [job(now)] });
    expect((await a.backend.queueList())[0]?.counts.queued).toBe(1);
    expect(await b.backend.queueList()).toEqual([]);
  });

  test("bulk enqueue with a duplicate id writes nothing and names the id", async () => {
    const { backend } = await fresh({}, new FakeClock());
    const now = backend.clock.now();
    const existing = job(now);
    await backend.jobEnqueue({ jobs: [existing] });
    const batch = [job(now), { ...job(now), id: existing.id }, job(now)];
    await expect(backend.jobEnqueue({ jobs: batch })).rejects.toThrow(new RegExp(existing.id));
    expect((await backend.queueList())[0]?.counts.queued).toBe(1);
  });

  test("with the default clock, times come from the server even when this process's clock is an hour off", async () => {
    const { backend } = await fresh();
    const real = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => real() + 3_600_000);
    const before = await serverNow();
    const runAt = Math.floor(before);
    const [ref] = (await backend.jobEnqueue({ jobs: [job(runAt, { leaseMs: 1 })] })).jobs;
    const after = await serverNow();
    const record = await backend.jobGet({ id: ref!.id });
    expect(record!.createdAt).toBeGreaterThanOrEqual(Math.floor(before) - 1);
    expect(record!.createdAt).toBeLessThanOrEqual(Math.ceil(after) + 1);
    // The backend's clock follows the server, so instants computed with it agree with the store.
    expect(Math.abs(backend.clock.now() - after)).toBeLessThan(60_000);
    // A lease of 1 ms expires on the server's clock: rescue finds it, though this process
    // believes it is an hour later (it would have found it anyway) — and the reverse case:
    const claimed = await backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 60_000 });
    expect(claimed.jobs[0]!.leaseExpiresAt - claimed.jobs[0]!.startedAt!).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await backend.leaseRescue({ limit: 10 })).requeued).toEqual([ref!.id]);
  });

  test("a process whose clock runs an hour behind does not rescue a live lease", async () => {
    const { backend } = await fresh();
    await backend.jobEnqueue({ jobs: [job(Math.floor(await serverNow()))] });
    const claimed = await backend.jobClaim({ queues: ["q"], limit: 1, workerId: "w", leaseMs: 30_000 });
    expect(claimed.jobs).toHaveLength(1);
    const real = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => real() + 3_600_000);
    expect(await backend.leaseRescue({ limit: 10 })).toEqual({ requeued: [], failed: [] });
  });

  test("a burst of concurrent enqueues far larger than the pool waits its turn instead of failing", async () => {
    // One connection, 1,500 calls at once: the last waits far longer than the 5 s a connect may take.
    const { backend } = await fresh({ pool: 1 }, new FakeClock());
    const now = backend.clock.now();
    const results = await Promise.allSettled(
      Array.from({ length: 1500 }, () => backend.jobEnqueue({ jobs: [job(now)] })),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect((await backend.queueList())[0]?.counts.queued).toBe(1500);
  });

  test("a batch too large for one NOTIFY reaches another handle through the events table", async () => {
    const { backend, open } = await fresh({}, new FakeClock());
    const other = await open();
    const seen: BackendEvent[] = [];
    const stop = other.subscribe((events) => seen.push(...events));
    await waitForListen(other);
    const now = backend.clock.now();
    const jobs = Array.from({ length: 400 }, () => job(now));
    expect(JSON.stringify(jobs.map((j) => j.id)).length).toBeGreaterThan(NOTIFY_INLINE_MAX);
    await backend.jobEnqueue({ jobs });
    await expect
      .poll(() => seen.filter((e) => e.type === "job:enqueued").length, { timeout: 10_000 })
      .toBe(400);
    stop();
  });
});

async function waitForListen(backend: PostgresBackend): Promise<void> {
  await expect.poll(() => backend.feed.listens, { timeout: 10_000 }).toBeGreaterThan(0);
}
