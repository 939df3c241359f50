/**
 * Schedules: trigger in words, next fire times in the schedule's zone (and the viewer's), the
 * last runs with their jobs' outcomes (live: a job of a shown run that changes state re-reads
 * the list, once per half second at most), actions.
 */
import { useRef } from "preact/hooks";
import { api } from "../api";
import { ActionBar } from "../components/actions";
import { Empty, ErrorNote, Loading, PageTitle, StateBadge, Time } from "../components/common";
import { shortId, viewerZone, zonedTime } from "../format";
import { useLiveQuery } from "../live";
import { href, seg } from "../router";
import type { Schedule, ScheduleRun } from "../types";

/** Runs shown per schedule (the store keeps 20; GET /api/schedules/{name}/runs reads them). */
const LAST_RUNS = 5;

function LastRuns({ runs }: { runs: ScheduleRun[] }) {
  if (runs.length === 0) return <span class="muted">none yet</span>;
  return (
    <ol class="last-runs" aria-label="Last runs, newest first">
      {runs.map((r) => (
        <li key={`${r.at}-${r.jobId}`} data-run={r.jobId ?? "skipped"} data-run-state={r.state ?? "none"}>
          {r.jobId === null ? (
            <span class="badge state-gone" title="The fire enqueued nothing">
              skipped: {r.skipped}
            </span>
          ) : (
            <a href={href(`/jobs/${seg(r.jobId)}`)} title={r.error ?? `job ${r.jobId}`}>
              <StateBadge state={r.state} />
            </a>
          )}{" "}
          <Time at={r.fireAt ?? r.at} compact />
          {r.fireAt === null && <span class="muted small"> · run now</span>}
          {r.error && <div class="error-cell small">{r.error}</div>}
        </li>
      ))}
    </ol>
  );
}

export function Schedules() {
  // The jobs of the runs on screen: their state changes re-read the list.
  const shownJobs = useRef<Set<string>>(new Set());
  const fired = useRef<Set<string>>(new Set());
  const q = useLiveQuery(
    () => api<{ schedules: Schedule[] }>(`schedules?next=3&lastRuns=${LAST_RUNS}`).then((r) => r.schedules),
    (e) => {
      // A fire names its job before the job's own events: follow it even before the list shows it.
      if (e.type === "schedule:fired" && typeof e.data?.jobId === "string") fired.current.add(e.data.jobId);
      if (e.type.startsWith("schedule:")) return true;
      return e.type.startsWith("job:") && (shownJobs.current.has(e.jobId) || fired.current.has(e.jobId));
    },
    [],
    500,
  );
  shownJobs.current = new Set((q.data ?? []).flatMap((s) => (s.lastRuns ?? []).map((r) => r.jobId ?? "")));
  return (
    <>
      <PageTitle title="Schedules" />
      <ErrorNote error={q.error} />
      {!q.data ? (
        <Loading what="schedules" />
      ) : q.data.length === 0 ? (
        <Empty>No schedules. Define them in code with spool.schedule(…) or with `spool schedules add`.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th>Schedule</th>
                <th>Trigger</th>
                <th>Task</th>
                <th>Next fire times</th>
                <th>Last runs</th>
                <th class="num">Runs</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((s) => (
                <tr key={s.name} data-schedule={s.name}>
                  <th scope="row">
                    {s.name} {s.paused && <span class="badge paused">paused</span>}
                  </th>
                  <td>
                    {s.description}
                    <div class="muted small">
                      misfire {s.misfire} · overlap {s.overlap}
                    </div>
                  </td>
                  <td>
                    {s.task}
                    <div class="muted small">queue {s.queue}</div>
                  </td>
                  <td>
                    {s.next.length === 0 ? (
                      <span class="muted">{s.nextFireAt === null ? "done" : "—"}</span>
                    ) : (
                      <ul class="fire-times">
                        {s.next.map((t) => (
                          <li key={t}>
                            <Time at={t} compact />
                            <span class="muted small">
                              {" "}
                              · {zonedTime(t, s.tz ?? viewerZone)}
                              {s.tz && s.tz !== viewerZone ? ` (${zonedTime(t, viewerZone)} here)` : ""}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    {s.lastRuns ? (
                      <LastRuns runs={s.lastRuns} />
                    ) : (
                      // A server without the runs history: the last fire only.
                      <>
                        <Time at={s.lastFireAt} compact />
                        {s.lastJobId && (
                          <div>
                            <a class="mono small" href={href(`/jobs/${seg(s.lastJobId)}`)}>
                              {shortId(s.lastJobId)}
                            </a>
                          </div>
                        )}
                      </>
                    )}
                  </td>
                  <td class="num">{s.runs}</td>
                  <td>
                    <ActionBar
                      params={{ name: s.name }}
                      onDone={() => q.reload()}
                      actions={[
                        { id: "run", label: "Run now", method: "POST", route: "/api/schedules/{name}/run" },
                        s.paused
                          ? {
                              id: "resume",
                              label: "Resume",
                              method: "POST",
                              route: "/api/schedules/{name}/resume",
                            }
                          : {
                              id: "pause",
                              label: "Pause",
                              method: "POST",
                              route: "/api/schedules/{name}/pause",
                            },
                      ]}
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
