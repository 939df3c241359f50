/**
 * Text search on SQLite (see ../search.ts and migration 0005). Writes only list the documents
 * that changed (spool_jobs_search_pending, by trigger); this module indexes them into the
 * trigram FTS5 table a batch at a time, so the enqueue and completion paths never pay for
 * tokenizing or for an FTS segment write per transaction:
 *
 * - in the background, every `INDEX_INTERVAL_MS`, a few short write transactions per tick;
 * - before each search, a bounded amount, so a search right after a write usually finds it
 *   indexed.
 *
 * A search is always complete anyway: a search of 3+ characters with few candidates (the
 * index's matches plus the documents still pending, under `INDEX_PLAN_MAX`) reads just those
 * jobs; a common word, or a search of 1 or 2 characters, walks the jobs in id order instead,
 * which fills a page after a few rows when matches are common. Both check each candidate
 * against the row's own fields.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import type { BackendEvent, JobListParams, JobPage } from "../backend.js";
import { normalizeSearch } from "../search.js";
import { decodeCursor, encodeCursor, listLimit, listStates } from "../shared.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";
import { mergeStates } from "./merge.js";
import { type JobRow, toRecord } from "./rows.js";

/** Searches shorter than this (in characters) cannot use a trigram index. */
const TRIGRAM = 3;
/** Documents indexed per write transaction (about 20 ms of work). */
export const INDEX_BATCH = 1_000;
/** Background indexing: how often, and the most time one tick spends (then it yields). */
export const INDEX_INTERVAL_MS = 1_000;
const INDEX_TICK_BUDGET_MS = 200;
/** Above this many candidate documents, walking the jobs in id order beats reading the candidates. */
export const INDEX_PLAN_MAX = 2_000;
/** Batches a search indexes before it runs. */
const INDEX_BATCHES_PER_SEARCH = 5;

export interface SqliteSearchHost {
  now(): number;
  write<T>(what: string, now: number, fn: (events: BackendEvent[]) => T): Promise<T>;
  read<T>(fn: () => T): Promise<T>;
  /** False once the backend is closed. */
  open(): boolean;
}

export class SqliteSearch {
  private readonly sql;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    db: Database.Database,
    private readonly host: SqliteSearchHost,
  ) {
    const jobs = (text: string) => prepareLazily<[Record<string, unknown>], JobRow>(db, text);
    const p = <R>(text: string) => prepareLazily<[Record<string, unknown>], R>(db, text);
    this.sql = {
      desc: jobs(SQL.JOB_SEARCH_DESC),
      asc: jobs(SQL.JOB_SEARCH_ASC),
      scanDesc: jobs(SQL.JOB_SEARCH_SCAN_DESC),
      scanAsc: jobs(SQL.JOB_SEARCH_SCAN_ASC),
      scanStateDesc: jobs(SQL.JOB_SEARCH_SCAN_STATE_DESC),
      scanStateAsc: jobs(SQL.JOB_SEARCH_SCAN_STATE_ASC),
      any: p<{ any: number }>(SQL.SEARCH_PENDING_ANY),
      upto: p<{ doc: number }>(SQL.SEARCH_PENDING_UPTO),
      index: p<never>(SQL.SEARCH_INDEX),
      forget: p<never>(SQL.SEARCH_PENDING_DELETE),
      candidates: p<{ n: number }>(SQL.SEARCH_CANDIDATES),
    };
  }

  /** Starts background indexing (an unref'd timer: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.indexPending(Number.POSITIVE_INFINITY, INDEX_TICK_BUDGET_MS)
        // Busy or closing: the next tick (or the next search) catches up.
        .catch(() => {})
        .finally(() => {
          running = false;
        });
    }, INDEX_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Indexes up to `batches` batches of pending documents, for at most about `budgetMs`;
   * returns how many batches ran. Each batch is its own short write transaction.
   */
  async indexPending(batches: number, budgetMs = Number.POSITIVE_INFINITY): Promise<number> {
    const until = performance.now() + budgetMs;
    let done = 0;
    while (
      done < batches &&
      performance.now() < until &&
      this.host.open() &&
      (await this.host.read(() => this.sql.any.get({}) !== undefined))
    ) {
      await this.host.write("search index", this.host.now(), () => {
        const upto = this.sql.upto.get({ limit: INDEX_BATCH });
        if (!upto) return;
        this.sql.index.run({ upto: upto.doc });
        this.sql.forget.run({ upto: upto.doc });
      });
      done++;
      // Each batch runs synchronously (better-sqlite3); between batches the event loop gets a
      // turn, so a list or an HTTP request in this process waits for one batch, not a whole
      // tick: a dashboard poll waited 118-139 ms here behind 100,000 freshly enqueued jobs.
      await nextTurn();
    }
    return done;
  }

  async list(params: JobListParams & { search: string }): Promise<JobPage> {
    const limit = listLimit(params);
    const states = listStates(params);
    const desc = (params.order ?? "desc") === "desc";
    const phrase = `"${params.search.replaceAll('"', '""')}"`;
    let indexed = [...params.search].length >= TRIGRAM;
    if (indexed) {
      await this.indexPending(INDEX_BATCHES_PER_SEARCH);
      const count = await this.host.read(() => this.sql.candidates.get({ phrase, cap: INDEX_PLAN_MAX }));
      indexed = (count?.n ?? 0) < INDEX_PLAN_MAX;
    }
    const stmt = indexed
      ? desc
        ? this.sql.desc
        : this.sql.asc
      : desc
        ? this.sql.scanDesc
        : this.sql.scanAsc;
    const args: Record<string, unknown> = {
      search: normalizeSearch(params.search),
      queue: params.queue ?? null,
      states: states ? JSON.stringify(states) : null,
      task: params.task ?? null,
      key: params.key ?? null,
      created_after: params.createdAfter ?? null,
      created_before: params.createdBefore ?? null,
      after: decodeCursor(params.cursor),
      limit: limit + 1,
    };
    if (indexed) args.phrase = phrase;
    const unique = states ? [...new Set(states)] : [];
    const rows = await this.host.read(() => {
      if (indexed || unique.length === 0) return stmt.all(args);
      // A walk per state through the (state, id) index (the json_each OR hides the state from
      // the planner, which then walks every job), merged by id.
      const { states: _states, ...rest } = args;
      const perState = desc ? this.sql.scanStateDesc : this.sql.scanStateAsc;
      return mergeStates(unique, desc, limit + 1, (state) => perState.all({ ...rest, state }));
    });
    const page = rows.slice(0, limit).map(toRecord);
    return { jobs: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }
}
