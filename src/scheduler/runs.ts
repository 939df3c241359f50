/**
 * A schedule's last runs with their outcomes: the recent fires the backend recorded with each
 * fire (`scheduleRuns`), joined with their jobs' current state. A job deleted since (by hand or
 * by retention) shows as gone: the fire happened, its outcome is no longer known.
 */
import type { Backend, ScheduleRun } from "../backend/backend.js";
import { SCHEDULE_RUNS_KEPT } from "../backend/shared-schedules.js";
import type { EpochMs, JobState } from "../core/types.js";

export { SCHEDULE_RUNS_KEPT };

export interface ScheduleRunInfo extends ScheduleRun {
  /** The job's state now; null when the fire was skipped or the job is gone. */
  state: JobState | null;
  /** When the job started and finished (null until it does, or when there is no job). */
  startedAt: EpochMs | null;
  finishedAt: EpochMs | null;
  /** The message of its last error (a failed or retrying job), else null. */
  error: string | null;
}

export async function scheduleRunsOf(
  backend: Backend,
  name: string,
  limit: number,
): Promise<ScheduleRunInfo[]> {
  const runs = await backend.scheduleRuns({ name, limit });
  // At most SCHEDULE_RUNS_KEPT reads by primary key, in parallel.
  const jobs = await Promise.all(runs.map((r) => (r.jobId ? backend.jobGet({ id: r.jobId }) : null)));
  return runs.map((run, i) => {
    const job = jobs[i] ?? null;
    return {
      ...run,
      state: job?.state ?? null,
      startedAt: job?.startedAt ?? null,
      finishedAt: job?.finishedAt ?? null,
      error: job?.errors.at(-1)?.message ?? null,
    };
  });
}
