/**
 * One change-feed subscription per client, fanned out by job id. Thousands of pending
 * `job.result()` calls cost one subscription and a map lookup per event, not one
 * subscription (or one poll) each.
 *
 * While any job is watched, a referenced timer keeps the process alive: the change feed's
 * own timers are unreferenced (a client must not hold a process open by itself), so without
 * it a script whose last pending work is `await job.result()` would exit before the result
 * arrives (issue 12, bug 4).
 */
import type { Backend, BackendEvent } from "../backend/backend.js";

/** The keep-alive timer does nothing; it only has to exist. */
const KEEP_ALIVE_MS = 1 << 30;

type JobListener = (event: BackendEvent) => void;

export class JobWatcher {
  private readonly byJob = new Map<string, Set<JobListener>>();
  private unsubscribe: (() => void) | null = null;
  private keepAlive: NodeJS.Timeout | null = null;

  constructor(private readonly backend: Backend) {}

  watch(jobId: string, listener: JobListener): () => void {
    let set = this.byJob.get(jobId);
    if (!set) this.byJob.set(jobId, (set = new Set()));
    set.add(listener);
    if (!this.unsubscribe) this.unsubscribe = this.backend.subscribe((events) => this.dispatch(events));
    this.keepAlive ??= setInterval(() => {}, KEEP_ALIVE_MS);
    return () => {
      const current = this.byJob.get(jobId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.byJob.delete(jobId);
      if (this.byJob.size === 0) this.release();
    };
  }

  close(): void {
    this.release();
    this.byJob.clear();
  }

  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }

  private dispatch(events: readonly BackendEvent[]): void {
    for (const event of events) {
      const set = this.byJob.get(event.jobId);
      if (!set) continue;
      for (const listener of [...set]) listener(event);
    }
  }
}
