/**
 * What every section of the PostgreSQL backend shares: the pool, the statements, the feed, the
 * clock, and the two ways to touch the database — `write` (one transaction, its events sent
 * with the COMMIT) and `read` (one statement on any pooled connection).
 */
import type pg from "pg";
import { type Clock, systemClock } from "../../core/clock.js";
import { BackendError } from "../../core/errors/index.js";
import type { BackendEvent } from "../backend.js";
import { adaptTransaction } from "./app-tx.js";
import { BEGIN, BEGIN_WITH_SERVER_NOW, createPool, isDeadlock, toBackendError } from "./connection.js";
import { NOTIFY_INLINE_MAX, type PgFeed } from "./feed.js";
import { Notifier } from "./notifier.js";
import { bind, run, runArrays, type Statements, type Stmt } from "./statements.js";

const SERVER_NOW = "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now";

/** Most attempts of a write that deadlocked (each after a short random pause). */
const DEADLOCK_ATTEMPTS = 5;
/** Stored batches (events table) older than this are pruned. */
export const STORED_EVENTS_MAX_AGE_MS = 5 * 60_000;
const PRUNE_EVERY_STORED = 64;
/**
 * At most one change-feed notification per this interval per process (notifier.ts): a burst of
 * writes shares one; an isolated write is announced at once.
 */
export const NOTIFY_MIN_INTERVAL_MS = 20;

/** One write transaction: its connection, its `now`, and the events it will publish. */
export interface Tx {
  now: number;
  events: BackendEvent[];
  q<R = Record<string, never>>(stmt: Stmt, params?: Record<string, unknown>): Promise<R[]>;
}

/**
 * The server's clock as seen from this process: every write transaction reads the server's
 * time and refreshes the offset, so callers that compute instants (retry times, schedules)
 * agree with the instants the store judges by, within a round trip.
 */
export class ServerClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
  observe(serverNow: number): void {
    this.offset = serverNow - Date.now();
  }
}

export class PgStore {
  readonly pool: pg.Pool;
  /** This process's notifications, sent after the commits they report (notifier.ts). */
  readonly notifier: Notifier;
  private closed = false;
  private storedSincePrune = 0;

  constructor(
    readonly url: string,
    poolSize: number,
    readonly sql: Statements,
    readonly feed: PgFeed,
    readonly clock: Clock,
    /** Null: time comes from the server. */
    private readonly fixedClock: Clock | null,
  ) {
    this.pool = createPool(url, poolSize);
    this.notifier = new Notifier((events) => this.notify(events), NOTIFY_MIN_INTERVAL_MS);
  }

  /** After commits: one notification for `events` (stored in `events` when too large to send inline). */
  private async notify(events: BackendEvent[]): Promise<void> {
    const { payload, encoded } = this.feed.inline(events);
    if (Buffer.byteLength(payload) <= NOTIFY_INLINE_MAX) {
      await run(this.pool, this.sql.NOTIFY_SEND, { channel: this.feed.channel, payload });
      return;
    }
    const now = this.clock.now();
    await run(this.pool, this.sql.NOTIFY_SEND_STORED, {
      channel: this.feed.channel,
      origin: this.feed.origin,
      at: now,
      events: encoded,
    });
    if (++this.storedSincePrune >= PRUNE_EVERY_STORED) {
      this.storedSincePrune = 0;
      await run(this.pool, this.sql.EVENTS_PRUNE, { before: now - STORED_EVENTS_MAX_AGE_MS });
    }
  }

  /**
   * A transaction of ours committed with these events: deliver them here, announce them to the
   * others (unless its statement already notified, `announced`).
   */
  private committed(events: BackendEvent[], announced = false): void {
    this.feed.committed(events);
    if (this.feed.listening && !announced) this.notifier.add(events);
  }

  /**
   * The `:channel` and `:origin` of a small write that may notify inside its own statement (see
   * Notifier.tryInline), or null: the notifier sends its events after the commit. `release()`
   * must follow the statement.
   */
  inlineNotify(): { channel: string; origin: string; release(): void } | null {
    if (!this.feed.listening || !this.notifier.tryInline()) return null;
    return {
      channel: this.feed.channel,
      origin: this.feed.origin,
      release: () => this.notifier.inlineDone(),
    };
  }

  /** For reads that compare with now (worker ttl, session expiry): the clock's time. */
  now(): number {
    return this.clock.now();
  }

  async write<T>(what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.assertOpen();
    for (let attempt = 1; ; attempt++) {
      let c: pg.PoolClient;
      try {
        c = await this.pool.connect();
      } catch (error) {
        throw toBackendError(error, `PostgreSQL ${what} failed`, this.url);
      }
      const events: BackendEvent[] = [];
      try {
        const now = await this.begin(c);
        const tx: Tx = { now, events, q: (stmt, params) => run(c, stmt, params) };
        const result = await fn(tx);
        await c.query("COMMIT");
        c.release();
        this.committed(events);
        return result;
      } catch (error) {
        const healthy = await c.query("ROLLBACK").then(
          () => true,
          () => false,
        );
        c.release(healthy ? undefined : true);
        if (isDeadlock(error) && attempt < DEADLOCK_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw toBackendError(error, `PostgreSQL ${what} failed`, this.url);
      }
    }
  }

  /**
   * Runs `fn` inside the application's own open transaction (`{ tx }`): no BEGIN, no COMMIT. The
   * batch's NOTIFY is sent inside it too, so a rollback leaves no job and wakes nobody, and a
   * commit makes the jobs visible and wakes the workers (this process's subscribers hear it
   * through LISTEN, like any other process's, since only the commit makes it true).
   */
  async writeIn<T>(appTx: object, what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.assertOpen();
    const query = await adaptTransaction(appTx);
    const events: BackendEvent[] = [];
    try {
      const now = this.fixedClock ? this.fixedClock.now() : Number((await query(SERVER_NOW, []))[0]!.now);
      const q: Tx["q"] = async (stmt, params) => (await query(stmt.text, bind(stmt, params))) as never[];
      const result = await fn({ now, events, q });
      if (events.length > 0 && this.feed.listening) {
        let payload = this.feed.inlineFromTransaction(events);
        if (Buffer.byteLength(payload) > NOTIFY_INLINE_MAX) {
          const encoded = payload.slice(payload.indexOf("|") + 1);
          const [row] = await q<{ seq: number }>(this.sql.EVENTS_INSERT, { at: now, events: encoded });
          payload = this.feed.storedFromTransaction(Number(row!.seq));
        }
        // As text: a void column is a type some drivers cannot read (Prisma refuses it).
        await query("SELECT pg_notify($1, $2)::text AS sent", [this.feed.channel, payload]);
      }
      return result;
    } catch (error) {
      throw toBackendError(error, `PostgreSQL ${what} in the application's transaction failed`, this.url);
    }
  }

  /**
   * One statement run on its own (an implicit transaction: one round trip, one commit, no
   * BEGIN/COMMIT of its own) — the hot paths (enqueue, claim, complete). The statement reads the
   * server's time itself (or takes the fixed clock's as :now). Every row must carry `now`;
   * `events` builds the batch's events from the rows, delivered and announced after the commit
   * as a `write`'s are.
   */
  async single<R extends { now: number }>(
    what: string,
    stmt: Stmt,
    params: Record<string, unknown>,
    events: (rows: R[], now: number) => BackendEvent[],
    /** The statement notified its events itself (inlineNotify). */
    announced = false,
  ): Promise<R[]> {
    const rows = await this.retried(what, () => run<R>(this.pool, stmt, this.withNow(params)));
    const first = rows[0];
    if (first) this.ran(first.now, events(rows, first.now), announced);
    return rows;
  }

  /**
   * As `single`, each row an array of the statement's columns (no object per row: the claim),
   * `now` read from column `nowAt`.
   */
  async singleArrays(
    what: string,
    stmt: Stmt,
    params: Record<string, unknown>,
    nowAt: number,
    events: (rows: unknown[][], now: number) => BackendEvent[],
  ): Promise<{ rows: unknown[][]; fields: string[] }> {
    const out = await this.retried(what, () => runArrays(this.pool, stmt, this.withNow(params)));
    const first = out.rows[0];
    if (first) {
      const now = first[nowAt] as number;
      this.ran(now, events(out.rows, now), false);
    }
    return out;
  }

  private withNow(params: Record<string, unknown>): Record<string, unknown> {
    return { ...params, now: this.fixedClock ? this.fixedClock.now() : null };
  }

  /** A single statement committed at the server's `now` with these events. */
  private ran(now: number, events: BackendEvent[], announced: boolean): void {
    if (!this.fixedClock && this.clock instanceof ServerClock) this.clock.observe(now);
    this.committed(events, announced);
  }

  /** Runs one statement, retried after a deadlock (a short random pause each time). */
  private async retried<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (isDeadlock(error) && attempt < DEADLOCK_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
          continue;
        }
        throw toBackendError(error, `PostgreSQL ${what} failed`, this.url);
      }
    }
  }

  async read<T>(fn: (q: Tx["q"]) => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await fn((stmt, params) => run(this.pool, stmt, params));
    } catch (error) {
      throw toBackendError(error, "PostgreSQL read failed", this.url);
    }
  }

  /** Several reads from one snapshot (REPEATABLE READ, read only). */
  async snapshot<T>(fn: (q: Tx["q"]) => Promise<T>): Promise<T> {
    this.assertOpen();
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (error) {
      throw toBackendError(error, "PostgreSQL read failed", this.url);
    }
    try {
      await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const result = await fn((stmt, params) => run(c, stmt, params));
      await c.query("COMMIT");
      c.release();
      return result;
    } catch (error) {
      const healthy = await c.query("ROLLBACK").then(
        () => true,
        () => false,
      );
      c.release(healthy ? undefined : true);
      throw toBackendError(error, "PostgreSQL read failed", this.url);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifier.close().catch(() => {});
    await this.feed.close();
    await this.pool.end().catch(() => {});
  }

  get isClosed(): boolean {
    return this.closed;
  }

  assertOpen(): void {
    if (this.closed) throw new BackendError("the PostgreSQL backend is closed", { code: "BACKEND_CLOSED" });
  }

  private async begin(c: pg.PoolClient): Promise<number> {
    if (this.fixedClock) {
      await c.query(BEGIN);
      return this.fixedClock.now();
    }
    const results = (await c.query(BEGIN_WITH_SERVER_NOW)) as unknown as pg.QueryResult<{ now: number }>[];
    const now = results[2]!.rows[0]!.now;
    if (this.clock instanceof ServerClock) this.clock.observe(now);
    return now;
  }
}
