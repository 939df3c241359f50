/** Queues: counts per state, oldest queued age, limits, throughput, pause and resume. */
import { api } from "../api";
import { ActionBar } from "../components/actions";
import { ThroughputChart } from "../components/chart";
import { Empty, ErrorNote, Loading, PageTitle } from "../components/common";
import { duration, num } from "../format";
import { useLiveQuery } from "../live";
import { href } from "../router";
import { JOB_STATES, type Queue } from "../types";

export function Queues() {
  const q = useLiveQuery(
    () => api<{ queues: Queue[] }>("queues").then((r) => r.queues),
    (e) => e.type.startsWith("job:") || e.type.startsWith("queue:"),
    [],
    1000,
  );
  return (
    <>
      <PageTitle title="Queues" />
      <ErrorNote error={q.error} />
      {!q.data ? (
        <Loading what="queues" />
      ) : q.data.length === 0 ? (
        <Empty>No queues yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th>Queue</th>
                <th>Status</th>
                {JOB_STATES.map((s) => (
                  <th key={s} class={`num col-${s}`}>
                    {s}
                  </th>
                ))}
                <th>Oldest queued</th>
                <th>Limits</th>
                <th class="wide-only">Last 15 min</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((queue) => (
                <tr key={queue.name} data-queue={queue.name}>
                  <th scope="row">
                    <a href={href("/jobs", { queue: queue.name })}>{queue.name}</a>
                  </th>
                  <td>
                    <span class={`badge ${queue.paused ? "paused" : "running-q"}`}>
                      {queue.paused ? "paused" : "active"}
                    </span>
                  </td>
                  {JOB_STATES.map((s) => (
                    <td key={s} class={`num col-${s}`}>
                      {queue.counts[s] ? (
                        <a href={href("/jobs", { queue: queue.name, state: s })}>{num(queue.counts[s])}</a>
                      ) : (
                        0
                      )}
                    </td>
                  ))}
                  <td>{queue.oldestQueuedAgeMs === null ? "—" : duration(queue.oldestQueuedAgeMs)}</td>
                  <td class="limits">{limitsText(queue.limits)}</td>
                  <td class="wide-only spark">
                    <ThroughputChart
                      label={`queue ${queue.name}`}
                      completed={queue.throughput.completedPerMinute}
                      failed={queue.throughput.failedPerMinute}
                    />
                  </td>
                  <td>
                    <ActionBar
                      params={{ name: queue.name }}
                      onDone={() => q.reload()}
                      actions={
                        queue.paused
                          ? [
                              {
                                id: "resume",
                                label: "Resume",
                                method: "POST",
                                route: "/api/queues/{name}/resume",
                              },
                            ]
                          : [
                              {
                                id: "pause",
                                label: "Pause",
                                method: "POST",
                                route: "/api/queues/{name}/pause",
                                confirm: `Pause queue ${queue.name}? Running jobs finish; nothing new starts until it is resumed.`,
                              },
                            ]
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** "≤ 8 running · 50 per 1s + 10 burst", or "—" (set with `spool queues limit`). */
function limitsText(limits: Queue["limits"] | undefined): string {
  if (!limits) return "—";
  const parts: string[] = [];
  if (limits.concurrency !== null) parts.push(`≤ ${num(limits.concurrency)} running`);
  const rate = limits.rateLimit;
  if (rate !== null)
    parts.push(
      `${num(rate.limit)} per ${windowText(rate.perMs)}${rate.burst > 0 ? ` + ${num(rate.burst)} burst` : ""}`,
    );
  return parts.length > 0 ? parts.join(" · ") : "—";
}

/** A rate window as set: "1 s", "5 min", "1500 ms". */
function windowText(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["min", 60_000],
    ["s", 1_000],
  ] as const)
    if (ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}
