/**
 * The claim on PostgreSQL: locks with FOR UPDATE SKIP LOCKED (claimers never wait for each
 * other) and updates by primary key. One queue with no pause, limit, hold or due scheduled job
 * is one statement (job-claim-fast.sql); anything else goes queue by queue in one transaction,
 * through the flow-control gate (flow.ts, flow-claim.ts) where limits apply.
 */
import { newLeaseToken } from "../../core/ids.js";
import type { LeasedJob } from "../../core/types.js";
import type { JobClaimParams, JobClaimResult } from "../backend.js";
import { checkClaimLimit, claimOrder } from "../shared.js";
import { pgClaimRoom, pgClaimTook } from "./flow.js";
import { pgClaimFlow, pgFlowPending } from "./flow-claim.js";
import { ms } from "./jobs.js";
import { checkClaimColumns, type JobRow, jobEvent, leasedFromClaim, toLeased } from "./rows.js";
import type { PgStore } from "./store.js";

export class PgClaims {
  private claimColumnsChecked = false;

  constructor(private readonly store: PgStore) {}

  private get sql() {
    return this.store.sql;
  }

  async claim(params: JobClaimParams): Promise<JobClaimResult> {
    checkClaimLimit(params.limit);
    const token = newLeaseToken();
    const { limit, workerId } = params;
    if (params.queues.length === 1) {
      const fast = await this.claimFast(params, token);
      if (fast) return fast;
    }
    return this.store.write("claim", async (tx) => {
      const sql = this.sql;
      // Not waiting for the WAL flush: see job-claim-fast.sql (a lost claim is a lost lease).
      await tx.q(sql.TX_RELAXED_COMMIT);
      const claimed: LeasedJob[] = [];
      const open: string[] = [];
      // The earliest instant a rate limit that stopped this claim allows another start.
      let retryAt: number | null = null;
      let limited = false;
      const fair = await pgFlowPending(this.store, tx, params.queues);
      // Queue by queue, in the order given; one statement claims the rest of the batch from a queue.
      for (const queue of params.queues) {
        const [paused] = await tx.q<{ paused: boolean }>(sql.QUEUE_PAUSED, { queue });
        if (paused?.paused) continue;
        open.push(queue);
        await tx.q(sql.JOB_PROMOTE_DUE, { queue, now: tx.now });
        if (limit - claimed.length <= 0) continue;
        const gate = await pgClaimRoom(this.store, tx, queue, limit - claimed.length);
        if (gate.retryAt !== null && (retryAt === null || gate.retryAt < retryAt)) retryAt = gate.retryAt;
        const room = gate.room;
        if (room < limit - claimed.length) limited = true;
        if (room <= 0) continue;
        if (fair.has(queue)) {
          // Task and key limits, fairness between keys (flow-claim.ts).
          const tasks = params.tasks ? [...params.tasks] : null;
          const flowArgs = { queue, room, tasks, token, workerId, leaseMs: params.leaseMs };
          const flow = await pgClaimFlow(this.store, tx, flowArgs, claimed);
          if (flow.limited) limited = true;
          if (flow.retryAt !== null && (retryAt === null || flow.retryAt < retryAt)) retryAt = flow.retryAt;
          await pgClaimTook(this.store, tx, queue, gate.row, flow.taken);
          continue;
        }
        const rows = await tx.q<JobRow>(params.tasks ? sql.JOB_CLAIM_TASKS : sql.JOB_CLAIM, {
          queue,
          limit: room,
          now: tx.now,
          token,
          worker_id: workerId,
          lease_ms: ms(params.leaseMs),
          tasks: params.tasks ? [...params.tasks] : null,
        });
        for (const row of rows) claimed.push(toLeased(row));
        await pgClaimTook(this.store, tx, queue, gate.row, rows.length);
      }
      let nextRunAt: number | null = null;
      if (claimed.length < limit && open.length > 0) {
        const [row] = await tx.q<{ run_at: number | null }>(sql.JOB_NEXT_RUN_AT, { queues: open });
        nextRunAt = row?.run_at ?? null;
        if (retryAt !== null && (nextRunAt === null || retryAt < nextRunAt)) nextRunAt = retryAt;
      }
      // Claims sort across queues by the same order a single queue uses.
      claimed.sort(claimOrder);
      for (const job of claimed) {
        tx.events.push(
          jobEvent("job:started", job.id, job.queue, tx.now, "running", { attempt: job.attempt, workerId }),
        );
      }
      return { jobs: claimed, nextRunAt, ...(limited ? { limited } : {}) };
    });
  }

  /**
   * One queue, no pause, limits, hold or due scheduled job: the whole claim is one statement
   * (job-claim-fast.sql). Null when that gate is closed: the full claim below handles it.
   */
  private async claimFast(params: JobClaimParams, token: string): Promise<JobClaimResult | null> {
    const queue = params.queues[0]!;
    const leaseMs = ms(params.leaseMs);
    const { rows, fields } = await this.store.singleArrays(
      "claim",
      this.sql.JOB_CLAIM_FAST,
      {
        queue,
        tasks: params.tasks ? [...params.tasks] : null,
        limit: params.limit,
        token,
        worker_id: params.workerId,
        lease_ms: leaseMs,
      },
      CLAIM_NOW,
      (rows, now) =>
        rows.flatMap((r) =>
          r[CLAIM_ID] === null
            ? []
            : [
                jobEvent("job:started", r[CLAIM_ID] as string, queue, now, "running", {
                  attempt: r[CLAIM_ATTEMPT],
                  workerId: params.workerId,
                }),
              ],
        ),
    );
    // The positions below assume the statement's column order: checked on the first claim.
    if (!this.claimColumnsChecked) {
      checkClaimColumns(fields);
      this.claimColumnsChecked = true;
    }
    const first = rows[0];
    if (!first?.[CLAIM_FAST]) return null;
    const now = first[CLAIM_NOW] as number;
    const w = { queue, workerId: params.workerId, token, now, leaseMs };
    const jobs = first[CLAIM_ID] === null ? [] : rows.map((r) => leasedFromClaim(r, w));
    return {
      jobs,
      nextRunAt: jobs.length < params.limit ? (first[CLAIM_NEXT_RUN_AT] as number | null) : null,
    };
  }
}

/** Positions in a fast claim's row (rows.ts CLAIM_LEAD, CLAIM_COLUMNS). */
const CLAIM_FAST = 0;
const CLAIM_NOW = 1;
const CLAIM_NEXT_RUN_AT = 2;
const CLAIM_ID = 3;
const CLAIM_ATTEMPT = 7;
