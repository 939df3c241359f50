/**
 * `spool move --dry-run`: what a move would carry, read from the source alone (nothing is
 * written anywhere, and the target is not opened). Jobs are walked page by page as a move would
 * walk them; a job stays behind when it waits on a running parent or belongs to a workflow with
 * a running job. A child that waits on a running job through another path is found only by the
 * real take, so the plan is an upper bound on what moves.
 */
import type { Backend } from "../backend/backend.js";
import { MOVE_WORKER_PREFIX } from "../backend/backend.js";
import type { JobRecord, JobState } from "../core/types.js";
import { readMany, workflowOf } from "./batch.js";
import { planSettings, type SettingsReport } from "./settings.js";

export interface MovePlan {
  /** Not-started jobs that would move, by state. */
  jobs: Record<"waiting" | "scheduled" | "queued", number>;
  total: number;
  workflows: number;
  /** Not-started jobs that would stay (a running parent or workflow job). */
  staying: number;
  /** Running jobs: they finish where they are. */
  running: number;
  /** Jobs held by an interrupted move: a real run finishes them first. */
  heldByMovers: number;
  settings: SettingsReport;
}

const PAGE = 1000;

export async function planMove(source: Backend, queues?: readonly string[]): Promise<MovePlan> {
  const plan: MovePlan = {
    jobs: { waiting: 0, scheduled: 0, queued: 0 },
    total: 0,
    workflows: 0,
    staying: 0,
    running: 0,
    heldByMovers: 0,
    settings: await planSettings(source, queues),
  };
  const workflowRuns = new Map<string, boolean>();
  const lanes = queues && queues.length > 0 ? queues : [undefined];
  for (const queue of lanes) {
    await walk(source, queue, ["running"], async (jobs) => {
      for (const job of jobs) {
        if (job.workerId?.startsWith(MOVE_WORKER_PREFIX)) plan.heldByMovers++;
        else plan.running++;
      }
    });
    await walk(source, queue, ["waiting", "scheduled", "queued"], async (jobs) => {
      const parents = new Map<string, JobState>();
      const wanted = [...new Set(jobs.flatMap((j) => j.dependsOn))];
      for (const p of await readMany(source, wanted)) parents.set(p.id, p.state);
      for (const job of jobs) {
        const wf = workflowOf(job);
        let stays = job.dependsOn.some((d) => parents.get(d) === "running");
        if (wf !== null) {
          if (!workflowRuns.has(wf)) workflowRuns.set(wf, await workflowHasRunning(source, wf));
          stays ||= workflowRuns.get(wf)!;
        }
        if (stays) plan.staying++;
        else plan.jobs[job.state as "waiting" | "scheduled" | "queued"]++;
      }
    });
  }
  plan.total = plan.jobs.waiting + plan.jobs.scheduled + plan.jobs.queued;
  plan.workflows = [...workflowRuns.values()].filter((running) => !running).length;
  return plan;
}

async function walk(
  source: Backend,
  queue: string | undefined,
  state: JobState[],
  fn: (jobs: JobRecord[]) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await source.jobList({
      state,
      order: "asc",
      limit: PAGE,
      ...(queue === undefined ? {} : { queue }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    cursor = page.nextCursor ?? undefined;
    await fn(page.jobs);
  } while (cursor !== undefined);
}

async function workflowHasRunning(source: Backend, id: string): Promise<boolean> {
  const record = await source.workflowGet({ id });
  return record !== null && record.counts.running > 0;
}
