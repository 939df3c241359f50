/**
 * One change-feed subscription per client, fanned out by job id. Thousands of pending
 * `job.result()` calls cost one subscription and a map lookup per event, not one
 * subscription (or one poll) each.
 */
import type { Backend, BackendEvent } from "../backend/backend.js";

type JobListener = (event: BackendEvent) => void;

export class JobWatcher {
  private readonly byJob = new Map<string, Set<JobListener>>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly backend: Backend) {}

  watch(jobId: string, listener: JobListener): () => void {
    let set = this.byJob.get(jobId);
    if (!set) this.byJob.set(jobId, (set = new Set()));
    set.add(listener);
    if (!this.unsubscribe) this.unsubscribe = this.backend.subscribe((events) => this.dispatch(events));
    return () => {
      const current = this.byJob.get(jobId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.byJob.delete(jobId);
      if (this.byJob.size === 0 && this.unsubscribe) {
        this.unsubscribe();
        this.unsubscribe = null;
      }
    };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.byJob.clear();
  }

  private dispatch(events: readonly BackendEvent[]): void {
    for (const event of events) {
      const set = this.byJob.get(event.jobId);
      if (!set) continue;
      for (const listener of [...set]) listener(event);
    }
  }
}
