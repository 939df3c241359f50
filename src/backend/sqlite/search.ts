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
 * jobs; a common word (without a state filter) takes the jobs in windows of the id order
 * (`SEARCH_WINDOW` ids, read index-only) and reads the index's matches in each window's rowid
 * range, so neither every match of the word nor every job's text is read; a search of 1 or 2
 * characters, or a common word with a state filter, walks the jobs in id order (per state),
 * which fills a page after a few rows when matches are common. All check each candidate
 * against the row's own fields.
 */
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
/** Ids per window of a common word's search (search-window.sql), and windows one call reads at most. */
export const SEARCH_WINDOW = 2_000;
export const SEARCH_WINDOWS_PER_CALL = 25;
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
  private readonly db: Database.Database;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    db: Database.Database,
    private readonly host: SqliteSearchHost,
  ) {
    this.db = db;
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
      windowDesc: p<WindowRow>(SQL.SEARCH_WINDOW_DESC),
      windowAsc: p<WindowRow>(SQL.SEARCH_WINDOW_ASC),
      inWindowDesc: jobs(SQL.JOB_SEARCH_WINDOW_DESC),
      inWindowAsc: jobs(SQL.JOB_SEARCH_WINDOW_ASC),
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
    }
    return done;
  }

  async list(params: JobListParams & { search: string }): Promise<JobPage> {
    const limit = listLimit(params);
    const states = listStates(params);
    const desc = (params.order ?? "desc") === "desc";
    const phrase = `"${params.search.replaceAll('"', '""')}"`;
    const trigrams = [...params.search].length >= TRIGRAM;
    let indexed = trigrams;
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
    if (!indexed && trigrams && unique.length === 0) return this.windowed({ ...args, phrase }, desc, limit);
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

  /**
   * A common word, window by window of the id order (one read transaction): each window's
   * matches come from the index by rowid range, in id order, so the pages are exact. Stops at a
   * full page, at the last job, or after `SEARCH_WINDOWS_PER_CALL` windows (then the page may be
   * short, and its cursor is the last window's edge: the next call goes on from there).
   */
  private async windowed(args: Record<string, unknown>, desc: boolean, limit: number): Promise<JobPage> {
    const { states: _s, after: first, limit: _l, ...filters } = args;
    const window = desc ? this.sql.windowDesc : this.sql.windowAsc;
    const inWindow = desc ? this.sql.inWindowDesc : this.sql.inWindowAsc;
    const { rows, edge } = await this.host.read(() =>
      this.db
        .transaction(() => {
          const found: JobRow[] = [];
          let after = first;
          for (let w = 0; w < SEARCH_WINDOWS_PER_CALL; w++) {
            const win = window.get({ after, window: SEARCH_WINDOW });
            if (!win || win.n === 0) return { rows: found, edge: null };
            found.push(
              ...inWindow.all({
                ...filters,
                lo: win.lo,
                hi: win.hi,
                low_id: win.low_id,
                high_id: win.high_id,
                limit: limit + 1 - found.length,
              }),
            );
            if (found.length > limit || win.n < SEARCH_WINDOW) return { rows: found, edge: null };
            after = desc ? win.low_id : win.high_id;
          }
          return { rows: found, edge: after as string };
        })
        .deferred(),
    );
    const page = rows.slice(0, limit).map(toRecord);
    if (rows.length > limit) return { jobs: page, nextCursor: encodeCursor(page[page.length - 1]!.id) };
    return { jobs: page, nextCursor: edge === null ? null : encodeCursor(edge) };
  }
}

interface WindowRow {
  n: number;
  lo: number | null;
  hi: number | null;
  low_id: string | null;
  high_id: string | null;
}
