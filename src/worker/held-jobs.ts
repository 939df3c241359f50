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
 *
 * The table is looked up several times per job, so it is keyed by job id alone and the lease
 * token is compared on the (one, rarely two) entries of that id: no key string is built per
 * lookup.
 */
import type { JobErrorRecord, LeasedJob, LeaseRef } from "../core/types.js";
import { JobControl } from "./job-control.js";

export type HeldPhase = "buffered" | "running" | "deciding" | "writing" | "done";

export interface HeldJob {
  readonly job: LeasedJob;
  phase: HeldPhase;
  readonly control: JobControl;
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
  failure: JobErrorRecord | undefined;
}

const NONE: readonly HeldJob[] = Object.freeze([]);

export class HeldJobs {
  /** Every lease held, by job id: the entry itself, or an array when one job has two leases. */
  private readonly byId = new Map<string, HeldJob | HeldJob[]>();
  private count = 0;
  /** Claimed, leased, not started yet (FIFO, claim order). */
  private readonly buffer: HeldJob[] = [];

  get size(): number {
    return this.count;
  }

  get bufferedCount(): number {
    return this.buffer.length;
  }

  add(job: LeasedJob, leaseMs: number, leasedAt: number): HeldJob {
    const held: HeldJob = {
      job,
      phase: "buffered",
      control: new JobControl(),
      handlerRunning: false,
      holdsSlot: false,
      leaseGone: false,
      leaseMs: job.leaseMs ?? leaseMs,
      renewedAt: leasedAt,
      startedAt: 0,
      failure: undefined,
    };
    const same = this.byId.get(job.id);
    if (same === undefined) this.byId.set(job.id, held);
    else if (Array.isArray(same)) same.push(held);
    else this.byId.set(job.id, [same, held]);
    this.count++;
    this.buffer.push(held);
    return held;
  }

  get(ref: LeaseRef): HeldJob | undefined {
    const same = this.byId.get(ref.id);
    if (same === undefined) return undefined;
    if (!Array.isArray(same)) return same.job.leaseToken === ref.token ? same : undefined;
    return same.find((h) => h.job.leaseToken === ref.token);
  }

  /** This very entry is still in the table (not deleted, not replaced). */
  holds(held: HeldJob): boolean {
    const same = this.byId.get(held.job.id);
    return same === held || (Array.isArray(same) && same.includes(held));
  }

  /** Every lease held on this job (usually one). */
  ofJob(id: string): readonly HeldJob[] {
    const same = this.byId.get(id);
    return same === undefined ? NONE : Array.isArray(same) ? same : [same];
  }

  /** How many leases are held on this job (usually one). */
  countOf(id: string): number {
    const same = this.byId.get(id);
    return same === undefined ? 0 : Array.isArray(same) ? same.length : 1;
  }

  *values(): Generator<HeldJob> {
    for (const same of this.byId.values()) {
      if (!Array.isArray(same)) yield same;
      else yield* [...same];
    }
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
    const buffer = this.buffer;
    if (buffer.length === 0) return undefined;
    if (!this.otherRunning(buffer[0]!)) return buffer.shift();
    for (let i = 1; i < buffer.length; i++) {
      const held = buffer[i]!;
      if (this.otherRunning(held)) continue;
      buffer.splice(i, 1);
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
    const id = held.job.id;
    const same = this.byId.get(id);
    if (same === held) {
      this.byId.delete(id);
      this.count--;
      return;
    }
    if (!Array.isArray(same)) return;
    const at = same.indexOf(held);
    if (at === -1) return;
    same.splice(at, 1);
    this.count--;
    if (same.length === 1) this.byId.set(id, same[0]!);
  }

  clear(): void {
    this.byId.clear();
    this.count = 0;
    this.buffer.length = 0;
  }

  private otherRunning(held: HeldJob): boolean {
    const same = this.byId.get(held.job.id);
    if (!Array.isArray(same)) return false;
    return same.some((h) => h !== held && h.handlerRunning);
  }
}
