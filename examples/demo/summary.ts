/** The end-of-demo report: per task counts, run-time percentiles and throughput, from the stored jobs. */
import { table } from "../../src/cli/format/table.js";
import { formatMs, type JobInfo, type Spool } from "../../src/index.js";
import type { Tracker } from "./tracker.js";

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Every job in the store (the demo holds a few hundred; pages of 1000). */
export async function allJobs(spool: Spool): Promise<JobInfo[]> {
  const out: JobInfo[] = [];
  let cursor: string | null = null;
  do {
    const page: { jobs: JobInfo[]; nextCursor: string | null } = await spool.jobs.list({
      limit: 1000,
      order: "asc",
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export function summaryTable(jobs: JobInfo[], tracker: Tracker): string {
  const tasks = [...new Set(jobs.map((j) => j.task))].sort();
  const rows = tasks.map((task) => {
    const mine = jobs.filter((j) => j.task === task);
    const done = mine.filter((j) => j.state === "completed" && j.startedAt !== null && j.finishedAt !== null);
    const runs = done.map((j) => j.finishedAt! - j.startedAt!).sort((a, b) => a - b);
    const first = Math.min(...mine.map((j) => tracker.startedAt.get(j.id) ?? Number.POSITIVE_INFINITY));
    const last = Math.max(...done.map((j) => j.finishedAt!));
    const windowMs = Number.isFinite(first) && done.length ? Math.max(1, last - first) : null;
    const p50 = percentile(runs, 50);
    const p95 = percentile(runs, 95);
    const tally = tracker.byTask.get(task);
    return [
      task,
      mine.length,
      mine.filter((j) => j.state === "completed").length,
      mine.filter((j) => j.state === "failed").length,
      tally?.retried ?? 0,
      p50 === null ? null : formatMs(p50),
      p95 === null ? null : formatMs(p95),
      windowMs === null ? null : `${((done.length * 1000) / windowMs).toFixed(1)}/s`,
    ];
  });
  const total = (i: number) => rows.reduce((n, r) => n + Number(r[i]), 0);
  const wall = tracker.elapsedMs;
  rows.push([
    "total",
    total(1),
    total(2),
    total(3),
    total(4),
    null,
    null,
    `${((total(2) + total(3)) / (wall / 1000)).toFixed(1)}/s`,
  ]);
  return table(
    [
      "TASK",
      "JOBS",
      "COMPLETED",
      "FAILED",
      "RETRIED",
      { header: "P50 RUN", align: "right" },
      { header: "P95 RUN", align: "right" },
      { header: "THROUGHPUT", align: "right" },
    ],
    rows,
  );
}
