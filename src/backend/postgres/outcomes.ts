/**
 * The outcomes of running jobs (complete, fail, release): one statement per batch, each row
 * fenced by its lease token, so a stale worker is refused per job, never obeyed. A completion
 * is one statement outside any transaction of ours when it can be (job-complete-fast.sql);
 * `{ tx }` writes it inside the application's transaction (`ctx.complete({ tx })`).
 */
import type { JobState } from "../../core/types.js";
import type {
  JobCompleteParams,
  JobFailParams,
  JobFailResult,
  JobReleaseParams,
  TransitionResult,
} from "../backend.js";
import { onJobFailed, releaseDependents } from "./cascade.js";
import { firstResults, takeFollowUp } from "./follow-ups.js";
import { ms } from "./jobs.js";
import { jobEvent } from "./rows.js";
import type { PgStore, Tx } from "./store.js";

type Completion = JobCompleteParams["jobs"][number];

export class PgOutcomes {
  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async complete({ jobs, tx: appTx }: JobCompleteParams): Promise<TransitionResult> {
    if (jobs.length === 0) return { ok: [], refused: [] };
    // In the application's transaction: the full path, committed (or not) by the app.
    if (appTx !== undefined) return this.store.writeIn(appTx, "complete", (tx) => this.completeIn(tx, jobs));
    if (new Set(jobs.map((j) => j.id)).size !== jobs.length)
      return this.store.write("complete", (tx) => this.completeIn(tx, jobs));
    // Distinct ids: one statement completes every job nobody depends on; the rest (refused, or
    // with dependents to release) go through the full path, which answers for them.
    const rows = await this.store.single<{
      id: string;
      queue: string;
      attempt: number;
      now: number;
      stored: number | null;
    }>(
      "complete",
      this.sql.JOB_COMPLETE_FAST,
      { ids: jobs.map((j) => j.id), tokens: jobs.map((j) => j.token), results: jobs.map((j) => j.result) },
      (rows, now) =>
        rows.map((r) => jobEvent("job:completed", r.id, r.queue, now, "completed", { attempt: r.attempt })),
    );
    const done = new Set(rows.map((r) => r.id));
    const rest = jobs.filter((j) => !done.has(j.id));
    if (rest.length === 0) return { ok: jobs.map((j) => j.id), refused: [] };
    const slow = await this.store.write("complete", (tx) => this.completeIn(tx, rest));
    const ok = new Set(slow.ok);
    return { ok: jobs.filter((j) => done.has(j.id) || ok.has(j.id)).map((j) => j.id), refused: slow.refused };
  }

  private async completeIn(tx: Tx, jobs: readonly Completion[]): Promise<TransitionResult> {
    const ok: string[] = [];
    const refused: string[] = [];
    const released: string[] = [];
    // Distinct ids go in one statement; a repeated id is a second use of one lease, made
    // after the first (the first use wins, as in memory).
    for (const batch of distinctRuns(jobs)) {
      const rows = await tx.q<{ id: string; queue: string; attempt: number; has_dependents: boolean }>(
        this.sql.JOB_COMPLETE_MANY,
        {
          ids: batch.map((j) => j.id),
          tokens: batch.map((j) => j.token),
          results: batch.map((j) => j.result),
          now: tx.now,
        },
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const { id } of batch) {
        const row = byId.get(id);
        if (!row) {
          refused.push(id);
          continue;
        }
        byId.delete(id);
        ok.push(id);
        tx.events.push(
          jobEvent("job:completed", id, row.queue, tx.now, "completed", { attempt: row.attempt }),
        );
        if (row.has_dependents) released.push(id);
      }
    }
    await releaseDependents(this.sql, tx, released);
    // Durable follow-ups (follow-ups.ts): a job with them is marked has_dependents.
    const results = firstResults(jobs);
    for (const id of released) await takeFollowUp(this.sql, tx, id, "completed", results.get(id)!);
    return { ok, refused };
  }

  async fail({ jobs }: JobFailParams): Promise<JobFailResult> {
    if (jobs.length === 0) return { retried: [], failed: [], refused: [] };
    return this.store.write("fail", async (tx) => {
      const result: JobFailResult = { retried: [], failed: [], refused: [] };
      for (const batch of distinctRuns(jobs)) {
        const rows = await tx.q<{
          id: string;
          queue: string;
          state: JobState;
          attempt: number;
          run_at: number;
          has_dependents: boolean;
        }>(this.sql.JOB_FAIL_MANY, {
          ids: batch.map((j) => j.id),
          tokens: batch.map((j) => j.token),
          errors: batch.map((j) => JSON.stringify(j.error)),
          retry_ats: batch.map((j) => (j.retryAt === null ? null : ms(j.retryAt))),
          now: tx.now,
        });
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const { id, error } of batch) {
          const row = byId.get(id);
          if (!row) {
            result.refused.push(id);
            continue;
          }
          byId.delete(id);
          if (row.state === "failed") {
            result.failed.push(id);
            tx.events.push(
              jobEvent("job:failed", id, row.queue, tx.now, "failed", { attempt: row.attempt, error }),
            );
            if (row.has_dependents) await takeFollowUp(this.sql, tx, id, "failed", JSON.stringify(error));
            await onJobFailed(this.sql, tx, id, row.has_dependents);
          } else {
            result.retried.push(id);
            tx.events.push(
              jobEvent("job:retried", id, row.queue, tx.now, row.state, {
                attempt: row.attempt,
                runAt: row.run_at,
                error,
              }),
            );
          }
        }
      }
      return result;
    });
  }

  async release({ leases }: JobReleaseParams): Promise<TransitionResult> {
    if (leases.length === 0) return { ok: [], refused: [] };
    return this.store.write("release", async (tx) => {
      const ok: string[] = [];
      const refused: string[] = [];
      for (const batch of distinctRuns(leases)) {
        const rows = await tx.q<{ id: string; queue: string }>(this.sql.JOB_RELEASE_MANY, {
          ids: batch.map((l) => l.id),
          tokens: batch.map((l) => l.token),
          now: tx.now,
        });
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const { id } of batch) {
          const row = byId.get(id);
          if (!row) {
            refused.push(id);
            continue;
          }
          byId.delete(id);
          ok.push(id);
          tx.events.push(jobEvent("job:released", id, row.queue, tx.now, "queued"));
        }
      }
      return { ok, refused };
    });
  }
}

/** Splits a batch into runs of distinct ids, in order (a repeated id starts a new run). */
export function distinctRuns<T extends { id: string }>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  let current: T[] = [];
  let ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) {
      runs.push(current);
      current = [];
      ids = new Set();
    }
    ids.add(item.id);
    current.push(item);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
