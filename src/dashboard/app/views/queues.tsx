/**
 * Queues: counts per state, oldest queued age, limits, the jobs waiting on a limit (and which
 * limits hold them), throughput, pause and resume.
 */
import { api } from "../api";
import { ActionBar } from "../components/actions";
import { ThroughputChart } from "../components/chart";
import { Empty, ErrorNote, Loading, PageTitle } from "../components/common";
import { duration, num } from "../format";
import { useLiveQuery } from "../live";
import { href } from "../router";
import { JOB_STATES, type LimitWait, type Queue } from "../types";

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
                    <td
                      key={s}
                      class={`num col-${s}`}
                      data-on-limit={s === "queued" ? queue.waitingOnLimit : undefined}
                    >
                      {queue.counts[s] ? (
                        <a href={href("/jobs", { queue: queue.name, state: s })}>{num(queue.counts[s])}</a>
                      ) : (
                        0
                      )}
                      {s === "queued" && queue.waitingOnLimit > 0 && (
                        <span class="on-limit" title="Queued jobs a limit holds back now (listed below)">
                          {num(queue.waitingOnLimit)} on a limit
                        </span>
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
      {q.data && <LimitWaits queues={q.data} />}
    </>
  );
}

const REASONS: Record<LimitWait["reason"], string> = {
  concurrency: "at its concurrency cap",
  rate: "rate limit spent",
  hold: "on hold (backing off)",
};

/** Which limits hold queued jobs back now, per queue, largest first (as `spool queues ls` prints). */
function LimitWaits({ queues }: { queues: Queue[] }) {
  const rows = queues.flatMap((queue) => queue.limitWaits.map((w) => ({ queue: queue.name, ...w })));
  if (rows.length === 0) return null;
  return (
    <section aria-label="Waiting on a limit now">
      <h2>Waiting on a limit now</h2>
      <div class="table-wrap">
        <table class="list">
          <thead>
            <tr>
              <th>Queue</th>
              <th>Limit</th>
              <th>Task</th>
              <th>Key</th>
              <th>Why</th>
              <th class="num">Waiting</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr
                key={`${w.queue}/${w.scope}/${w.task}/${w.key}/${w.reason}`}
                data-limit-wait={`${w.queue}/${w.scope}/${w.task ?? ""}/${w.key ?? ""}`}
              >
                <td>
                  <a href={href("/jobs", { queue: w.queue, state: "queued" })}>{w.queue}</a>
                </td>
                <td>
                  {w.scope === "queue" ? "the queue's" : w.scope === "task" ? "the task's" : "the key's"}
                </td>
                <td>
                  {w.task ? (
                    <a href={href("/jobs", { queue: w.queue, task: w.task, state: "queued" })}>{w.task}</a>
                  ) : (
                    "—"
                  )}
                </td>
                <td class="mono">{w.key ?? "—"}</td>
                <td>{REASONS[w.reason]}</td>
                <td class="num" data-waiting={w.waiting}>
                  {num(w.waiting)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
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
