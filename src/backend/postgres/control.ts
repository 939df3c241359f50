/** Control of jobs from outside their worker (cancel, retry, remove) and a running job's progress and logs. */
import type { JobErrorRecord, JobLogLine, JobRecord } from "../../core/types.js";
import type {
  FollowUpRef,
  JobCancelParams,
  JobCancelResult,
  JobListParams,
  JobLogParams,
  JobPage,
  JobProgressParams,
  JobRemoveParams,
  JobRemoveResult,
  JobRetryParams,
  TransitionResult,
} from "../backend.js";
import { followUpRefs } from "../follow-ups.js";
import { pageOfRows, sqlListArgs } from "../shared.js";
import { cancelTree, removeOne } from "./cascade.js";
import { type JobRow, jobEvent, toRecord } from "./rows.js";
import type { Statements } from "./statements.js";
import type { PgStore } from "./store.js";

/** Most jobs a created-time range reads from jobs_created to bound its walk (as SQLite's). */
export const RANGE_PROBE_MAX = 50_000;

/** Log lines kept per job (oldest dropped first), as in the other backends. */
export const LOG_LINES_MAX = 1000;

export class PgControl {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async cancel({ ids, reason }: JobCancelParams): Promise<JobCancelResult> {
    return this.store.write("cancel", async (tx) => {
      const cancelled: string[] = [];
      const skipped: string[] = [];
      // A cancelled spawn waiter takes its unfinished children (and theirs) with it.
      for (const id of ids)
        if (!(await cancelTree(this.sql, tx, id, reason ?? "cancelled", cancelled))) skipped.push(id);
      return { cancelled, skipped };
    });
  }

  async retry({ ids }: JobRetryParams): Promise<TransitionResult> {
    if (ids.length === 0) return { ok: [], refused: [] };
    return this.store.write("retry", async (tx) => {
      const rows = await tx.q<{ id: string; queue: string }>(this.sql.JOB_RETRY, { ids, now: tx.now });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const ok: string[] = [];
      const refused: string[] = [];
      for (const id of ids) {
        const row = byId.get(id);
        if (!row) {
          refused.push(id);
          continue;
        }
        byId.delete(id);
        ok.push(id);
        tx.events.push(jobEvent("job:enqueued", id, row.queue, tx.now, "queued", { retry: true }));
      }
      return { ok, refused };
    });
  }

  async remove({ ids }: JobRemoveParams): Promise<JobRemoveResult> {
    return this.store.write("remove", async (tx) => {
      const removed: string[] = [];
      const skipped: string[] = [];
      for (const id of ids) {
        const row = await removeOne(this.sql, tx, id);
        if (!row) {
          skipped.push(id);
          continue;
        }
        removed.push(id);
        tx.events.push(jobEvent("job:removed", id, row.queue, tx.now, row.state));
      }
      return { removed, skipped };
    });
  }

  async progress({ id, token, progress }: JobProgressParams): Promise<boolean> {
    return this.store.write("progress", async (tx) => {
      const [row] = await tx.q<{ queue: string }>(this.sql.JOB_PROGRESS, {
        id,
        token,
        progress: JSON.stringify(progress),
        now: tx.now,
      });
      if (!row) return false;
      tx.events.push(jobEvent("job:progress", id, row.queue, tx.now, "running", { ...progress }));
      return true;
    });
  }

  async log({ id, token, lines }: JobLogParams): Promise<boolean> {
    return this.store.write("log", async (tx) => {
      const [job] = await tx.q<{ queue: string; attempt: number }>(this.sql.JOB_LEASED, { id, token });
      if (!job) return false;
      if (lines.length > 0) {
        await tx.q(this.sql.JOB_LOG_INSERT, {
          job_id: id,
          attempt: job.attempt,
          ats: lines.map((l) => l.at),
          levels: lines.map((l) => l.level),
          messages: lines.map((l) => l.message),
        });
        await tx.q(this.sql.JOB_LOGS_TRIM, { job_id: id, keep: LOG_LINES_MAX });
      }
      tx.events.push(jobEvent("job:log", id, job.queue, tx.now, "running", { lines: lines.length }));
      return true;
    });
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<JobRecord | null> {
    const [row] = await this.store.read((q) => q<JobRow>(this.sql.JOB_GET_MANY, { ids: [id] }));
    return row ? toRecord(row) : null;
  }

  /** The job's follow-up rows by primary key (follow-up-list.sql); null: no such job. */
  async followUps(id: string): Promise<FollowUpRef[] | null> {
    const rows = await this.store.read((q) =>
      q<{ outcome: string | null; job: string | null }>(this.sql.FOLLOW_UP_LIST, { id }),
    );
    if (rows.length === 0) return null;
    return followUpRefs(
      rows.flatMap((r) => (r.outcome !== null && r.job !== null ? [{ outcome: r.outcome, job: r.job }] : [])),
    );
  }

  async getMany(ids: readonly string[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.read((q) => q<JobRow>(this.sql.JOB_GET_MANY, { ids: [...ids] }));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: JobRecord[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (row) out.push(toRecord(row));
    }
    return out;
  }

  /**
   * A page of jobs, through the statement whose WHERE names the filter that drives the walk
   * (as SQLite's reads.ts jobList): a created-time range holding few jobs bounds the primary-key
   * walk to their ids, else the states walk (state, id), else a task walks (task, id), else a
   * queue walks (queue, id), else every job in id order. Each statement checks every filter.
   */
  async list(params: JobListParams): Promise<JobPage> {
    const args = sqlListArgs(params);
    const desc = (params.order ?? "desc") === "desc";
    const states = args.states ? [...new Set(args.states)] : null;
    if (states !== null && states.length === 0) return { jobs: [], nextCursor: null };
    const pick = <K extends keyof Statements>(asc: K, dsc: K) => this.sql[desc ? dsc : asc];
    const rows = await this.store.read(async (q) => {
      if (args.created_after !== null || args.created_before !== null) {
        const [probe] = await q<{ n: number; lo: string | null; hi: string | null }>(
          this.sql.JOB_LIST_RANGE_PROBE,
          {
            created_after: args.created_after,
            created_before: args.created_before,
            cap: RANGE_PROBE_MAX,
          },
        );
        if (!probe || probe.n === 0) return [];
        if (probe.n < RANGE_PROBE_MAX)
          return q<JobRow>(pick("JOB_LIST_SPAN_ASC", "JOB_LIST_SPAN_DESC"), {
            ...args,
            lo: probe.lo,
            hi: probe.hi,
          });
      }
      if (states !== null)
        return q<JobRow>(pick("JOB_LIST_STATE_ASC", "JOB_LIST_STATE_DESC"), { ...args, states });
      if (args.task !== null) {
        const { states: _s, ...rest } = args;
        return q<JobRow>(pick("JOB_LIST_TASK_ASC", "JOB_LIST_TASK_DESC"), rest);
      }
      if (args.queue !== null) {
        const { states: _s, task: _t, ...rest } = args;
        return q<JobRow>(pick("JOB_LIST_QUEUE_ASC", "JOB_LIST_QUEUE_DESC"), rest);
      }
      return q<JobRow>(pick("JOB_LIST_ASC", "JOB_LIST_DESC"), args);
    });
    return pageOfRows(rows, args.limit - 1, toRecord);
  }

  async logs(id: string, limit?: number): Promise<JobLogLine[]> {
    const n = limit !== undefined && limit > 0 ? Math.min(limit, LOG_LINES_MAX) : LOG_LINES_MAX;
    const rows = await this.store.read((q) =>
      q<{ at: number; level: string; message: string; attempt: number }>(this.sql.JOB_LOGS, {
        job_id: id,
        limit: n,
      }),
    );
    return rows.reverse().map((r) => ({
      at: r.at,
      level: r.level as JobLogLine["level"],
      message: r.message,
      attempt: r.attempt,
    }));
  }
}

export type { JobErrorRecord };
