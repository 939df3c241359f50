/** Overview: counts by state, oldest queued age, workers alive, and throughput per queue. */
import { useEffect } from "preact/hooks";
import { api } from "../api";
import { ThroughputChart } from "../components/chart";
import { ErrorNote, Loading, PageTitle } from "../components/common";
import { duration, num } from "../format";
import { useLiveQuery } from "../live";
import { href } from "../router";
import { type Counts, JOB_STATES, type Queue, type Worker } from "../types";

const WORKERS_REFRESH_MS = 10_000;
/** A User Timing mark set once, when the counts are first on screen after a page load. */
export const COUNTS_MARK = "spool:overview-counts";

/** What the overview reads first: main.tsx asks for it at page load (`prefetch`), beside the session check. */
export const OVERVIEW_DATA = ["queues", "workers"] as const;

export function Overview() {
  const queues = useLiveQuery(
    () => api<{ queues: Queue[] }>("queues").then((r) => r.queues),
    (e) => e.type.startsWith("job:") || e.type.startsWith("queue:"),
    [],
    2000,
  );
  // Worker heartbeats are not on the change feed: one light read every 10 s.
  const workers = useLiveQuery(
    () => api<{ workers: Worker[] }>("workers").then((r) => r.workers),
    (e) => e.type === "job:started",
    [],
    WORKERS_REFRESH_MS,
  );
  const list = queues.data;
  // For measuring a cold load (bench/dashboard-scale.ts): when the counts first reach the screen.
  useEffect(() => {
    if (list && performance.getEntriesByName(COUNTS_MARK).length === 0) performance.mark(COUNTS_MARK);
  }, [list]);
  const totals = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Counts;
  let oldest: number | null = null;
  for (const q of list ?? []) {
    for (const s of JOB_STATES) totals[s] += q.counts[s];
    if (q.oldestQueuedAgeMs !== null) oldest = Math.max(oldest ?? 0, q.oldestQueuedAgeMs);
  }
  return (
    <>
      <PageTitle title="Overview" />
      <ErrorNote error={queues.error} />
      <section class="tiles" aria-label="Jobs by state">
        {JOB_STATES.map((s) => (
          <a key={s} class={`tile state-${s}`} href={href("/jobs", { state: s })}>
            <span class="tile-label">{s}</span>
            <span class="tile-value">{list ? num(totals[s]) : "…"}</span>
          </a>
        ))}
        <div class="tile">
          <span class="tile-label">oldest queued</span>
          <span class="tile-value">{oldest === null ? "—" : duration(oldest)}</span>
        </div>
        <a class="tile" href={href("/workers")}>
          <span class="tile-label">workers alive</span>
          <span class="tile-value">{workers.data ? workers.data.length : "…"}</span>
        </a>
      </section>
      <h2>Throughput per queue</h2>
      {!list ? (
        <Loading what="queues" />
      ) : list.length === 0 ? (
        <p class="empty">No queues yet: enqueue a job and it shows here.</p>
      ) : (
        <div class="charts">
          {list.map((q) => (
            <section key={q.name} class="card">
              <h3>
                <a href={href("/jobs", { queue: q.name })}>{q.name}</a>
                {q.paused && <span class="badge paused">paused</span>}
              </h3>
              <ThroughputChart
                label={`queue ${q.name}`}
                completed={q.throughput.completedPerMinute}
                failed={q.throughput.failedPerMinute}
              />
            </section>
          ))}
        </div>
      )}
    </>
  );
}
