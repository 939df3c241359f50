/**
 * The jobs a worker holds a lease on, keyed by `(job id, lease token)`: one entry per lease,
 * never per job. The same job can be held twice for a moment (an old execution still
 * running after its lease was rescued, and a new lease on the retry); keying by id alone
 * let the old execution's late outcome settle the new lease (issue 12, bug 1).
 *
 * Each entry has an explicit phase:
 *
 * ```
 *   buffered ──start──► running ──handler returned / aborted──► deciding
 *       │                                                           │ outcome decided
 *       │ lease lost / released                                     ▼
 *       └──────────────────────────────► done ◄──stored/refused── writing
 * ```
 *
 * A second, independent fact is whether the handler still runs (`handlerRunning`): a handler
 * that ignores its signal keeps running after its outcome was decided (a timeout), and keeps
 * its slot until it really returns. While it runs, a newer lease on the same job waits in the
 * buffer (`startable()`): one worker never runs two executions of one job at once.
 */
import type { JobErrorRecord, LeasedJob, LeaseRef } from "../core/types.js";
import type { Execution } from "./execute.js";
import { JobControl } from "./job-control.js";

export type HeldPhase = "buffered" | "running" | "deciding" | "writing" | "done";

export interface HeldJob {
  readonly job: LeasedJob;
  readonly key: string;
  phase: HeldPhase;
  readonly control: JobControl;
  execution: Execution | null;
  /** The handler was started and has not returned yet. */
  handlerRunning: boolean;
  /** Counted in the worker's running slots. */
  holdsSlot: boolean;
  /** The store no longer knows this lease (rescued and re-leased, cancelled, removed): not renewed. */
  leaseGone: boolean;
  /** Lease length the store applies to this job on renewal. */
  readonly leaseMs: number;
  /** `performance.now()` when the lease was last set (claim sent, or renewal sent). */
  renewedAt: number;
  startedAt: number;
  failure?: JobErrorRecord;
}

export const leaseKey = (id: string, token: string): string => `${id}\u0000${token}`;

export class HeldJobs {
  private readonly entries = new Map<string, HeldJob>();
  private readonly byId = new Map<string, HeldJob[]>();
  /** Claimed, leased, not started yet (FIFO, claim order). */
  private readonly buffer: HeldJob[] = [];

  get size(): number {
    return this.entries.size;
  }

  get bufferedCount(): number {
    return this.buffer.length;
  }

  add(job: LeasedJob, leaseMs: number, leasedAt: number): HeldJob {
    const key = leaseKey(job.id, job.leaseToken);
    const held: HeldJob = {
      job,
      key,
      phase: "buffered",
      control: new JobControl(),
      execution: null,
      handlerRunning: false,
      holdsSlot: false,
      leaseGone: false,
      leaseMs: job.leaseMs ?? leaseMs,
      renewedAt: leasedAt,
      startedAt: 0,
    };
    this.entries.set(key, held);
    const same = this.byId.get(job.id);
    if (same) same.push(held);
    else this.byId.set(job.id, [held]);
    this.buffer.push(held);
    return held;
  }

  get(ref: LeaseRef): HeldJob | undefined {
    return this.entries.get(leaseKey(ref.id, ref.token));
  }

  /** Every lease held on this job (usually one). */
  ofJob(id: string): readonly HeldJob[] {
    return this.byId.get(id) ?? [];
  }

  values(): IterableIterator<HeldJob> {
    return this.entries.values();
  }

  /** Job ids held (for the heartbeat). */
  jobIds(): string[] {
    return [...this.byId.keys()];
  }

  /**
   * Takes the first buffered job that may start now: one whose job has no other execution
   * still running in this worker. Jobs behind a blocked one are not held up by it.
   */
  takeStartable(): HeldJob | undefined {
    for (let i = 0; i < this.buffer.length; i++) {
      const held = this.buffer[i]!;
      if (this.otherRunning(held)) continue;
      this.buffer.splice(i, 1);
      return held;
    }
    return undefined;
  }

  /** Removes a job from the buffer (lease lost before it started). */
  unbuffer(held: HeldJob): boolean {
    const at = this.buffer.indexOf(held);
    if (at === -1) return false;
    this.buffer.splice(at, 1);
    return true;
  }

  /** Empties the buffer and forgets its jobs (shutdown releases them). */
  drainBuffer(): HeldJob[] {
    const out = this.buffer.splice(0);
    for (const h of out) this.delete(h);
    return out;
  }

  delete(held: HeldJob): void {
    if (this.entries.get(held.key) !== held) return;
    this.entries.delete(held.key);
    const same = this.byId.get(held.job.id);
    if (!same) return;
    const rest = same.filter((h) => h !== held);
    if (rest.length > 0) this.byId.set(held.job.id, rest);
    else this.byId.delete(held.job.id);
  }

  clear(): void {
    this.entries.clear();
    this.byId.clear();
    this.buffer.length = 0;
  }

  private otherRunning(held: HeldJob): boolean {
    const same = this.byId.get(held.job.id);
    if (!same || same.length < 2) return false;
    return same.some((h) => h !== held && h.handlerRunning);
  }
}
