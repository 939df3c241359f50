/**
 * Group commit for the SQLite store's enqueues. better-sqlite3 is synchronous, so one process
 * writes one transaction at a time; with one transaction (and one WAL commit) per call, a web
 * app issuing many concurrent single enqueues pays a `BEGIN IMMEDIATE` … `COMMIT` per job.
 *
 * Here a call does not write at once: it joins the open group, which is written by one
 * transaction on the next turn of the event loop (`setImmediate`), so every call that arrives
 * while a group waits or a transaction runs lands in the next one. Inside that transaction each
 * call's body runs in its own SAVEPOINT: a body that throws is rolled back alone and only its
 * caller gets the error; the others commit. Every caller's promise settles only after the
 * COMMIT (its job is as durable as any committed transaction); if the transaction itself
 * fails (BEGIN or COMMIT), nothing of the group was written and every caller gets that error.
 */
import type { BackendEvent, JobEnqueueResult, NewJob } from "../backend.js";

type Events = BackendEvent[];
type Result = JobEnqueueResult["jobs"];

/**
 * A call whose jobs have no key and no dependencies: consecutive ones made at the same clock
 * reading are inserted by one multi-row statement (`GroupCommitDeps.insertMany`), and only if
 * that fails (an id already taken) one by one, each in its own savepoint.
 */
export interface SimpleCall {
  jobs: readonly NewJob[];
  now: number;
}

interface Entry {
  body: (events: Events) => unknown;
  simple: SimpleCall | null;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitDeps {
  /**
   * Runs `fn` in one write transaction (events appended to the change feed before COMMIT);
   * `fn` runs again from the start if the transaction is retried (lock busy).
   */
  write(fn: (events: Events) => void): Promise<void>;
  /** Runs `fn` in a SAVEPOINT of the open transaction, rolled back to if `fn` throws. */
  savepoint<T>(fn: () => T): T;
  /** Turns a body's error into the error its caller sees. */
  toError(error: unknown): unknown;
  /** Inside the transaction: inserts these key-less, dependency-free jobs in one statement. */
  insertMany(jobs: readonly NewJob[], now: number, events: Events): Result;
}

export class GroupCommit {
  private queue: Entry[] = [];
  private timer: NodeJS.Immediate | null = null;
  /** The group being written: groups commit one after another, in call order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: GroupCommitDeps) {}

  /** Calls waiting for the next group's transaction. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Runs `body` in the next group's transaction; settles after that transaction commits.
   * `simple` (the call's jobs have no key and no dependency) lets the group insert it together
   * with its simple neighbours in one statement; `body` must then insert exactly those jobs.
   */
  submit<T>(body: (events: Events) => T, simple: SimpleCall | null = null): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ body, simple, resolve: resolve as (value: unknown) => void, reject });
      this.timer ??= setImmediate(() => {
        this.flush().catch(() => {}); // each caller hears of its own outcome
      });
    });
  }

  /**
   * Writes every waiting call (also before the store closes), after the group being written,
   * if any; resolves once they are settled.
   */
  flush(): Promise<void> {
    if (this.timer) {
      clearImmediate(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() => this.commit(batch));
    return this.writing;
  }

  private async commit(batch: Entry[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await this.deps.write((events) => {
        outcomes.length = 0; // a retried transaction starts over
        const one = (entry: Entry) => {
          const mine: Events = [];
          try {
            const value = this.deps.savepoint(() => entry.body(mine));
            for (const e of mine) events.push(e);
            outcomes.push({ ok: true, value });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        };
        for (let i = 0; i < batch.length; ) {
          // A run of simple calls made at one clock reading: one statement for all of them.
          const first = batch[i]!.simple;
          let end = i + 1;
          if (first) while (end < batch.length && batch[end]!.simple?.now === first.now) end++;
          if (end - i < 2) {
            one(batch[i]!);
            i = end;
            continue;
          }
          const run = batch.slice(i, end);
          const mine: Events = [];
          let rows: Result | null = null;
          try {
            const jobs = run.flatMap((e) => e.simple!.jobs);
            rows = this.deps.savepoint(() => this.deps.insertMany(jobs, first!.now, mine));
          } catch {
            rows = null; // rolled back: each call alone, so only the culprit fails
          }
          if (rows) {
            for (const e of mine) events.push(e);
            let at = 0;
            for (const e of run) {
              const n = e.simple!.jobs.length;
              outcomes.push({ ok: true, value: { jobs: rows.slice(at, at + n) } });
              at += n;
            }
          } else for (const e of run) one(e);
          i = end;
        }
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const o = outcomes[i]!;
      if (o.ok) entry.resolve(o.value);
      else entry.reject(this.deps.toError(o.value));
    });
  }
}
