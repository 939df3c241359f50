/**
 * Job actions on SQLite (see ../job-actions.ts): one BEGIN IMMEDIATE transaction per call, each
 * job's state checked by the UPDATE's WHERE clause, so a job claimed meanwhile is refused.
 */
import type Database from "better-sqlite3";
import type { JobState } from "../../core/types.js";
import type { BackendEvent, TransitionResult } from "../backend.js";
import {
  checkJobUpdate,
  type JobPromoteParams,
  type JobUpdateParams,
  noTransition,
  updateEventData,
} from "../job-actions.js";
import * as SQL from "./generated/sql.js";
import { prepareLazily } from "./lazy-statement.js";

/** What the actions borrow from the backend: its clock and write transaction (with the feed). */
export interface SqliteJobActionsHost {
  now(): number;
  write<T>(what: string, now: number, fn: (events: BackendEvent[]) => T): Promise<T>;
}

export class SqliteJobActions {
  private readonly sql;

  constructor(
    db: Database.Database,
    private readonly host: SqliteJobActionsHost,
  ) {
    const p = <R>(text: string) => prepareLazily<[Record<string, unknown>], R>(db, text);
    this.sql = {
      update: p<{ queue: string; state: JobState }>(SQL.JOB_UPDATE),
      promote: p<{ queue: string }>(SQL.JOB_PROMOTE),
    };
  }

  async update(params: JobUpdateParams): Promise<TransitionResult> {
    checkJobUpdate(params);
    if (params.ids.length === 0) return noTransition();
    const now = this.host.now();
    const data = updateEventData(params);
    return this.host.write("job update", now, (events) => {
      const ok: string[] = [];
      const refused: string[] = [];
      for (const id of params.ids) {
        const row = this.sql.update.get({
          id,
          priority: params.priority ?? null,
          input: params.input ?? null,
          now,
        });
        if (!row) {
          refused.push(id);
          continue;
        }
        ok.push(id);
        events.push({ type: "job:updated", jobId: id, queue: row.queue, at: now, state: row.state, data });
      }
      return { ok, refused };
    });
  }

  async promote({ ids }: JobPromoteParams): Promise<TransitionResult> {
    if (ids.length === 0) return noTransition();
    const now = this.host.now();
    return this.host.write("job promote", now, (events) => {
      const ok: string[] = [];
      const refused: string[] = [];
      for (const id of ids) {
        const row = this.sql.promote.get({ id, now });
        if (!row) {
          refused.push(id);
          continue;
        }
        ok.push(id);
        events.push({
          type: "job:enqueued",
          jobId: id,
          queue: row.queue,
          at: now,
          state: "queued",
          data: { promoted: true },
        });
      }
      return { ok, refused };
    });
  }
}
