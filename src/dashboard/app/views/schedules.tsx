/** Schedules: trigger in words, next fire times in the schedule's zone (and the viewer's), last run, actions. */
import { api } from "../api";
import { ActionBar } from "../components/actions";
import { Empty, ErrorNote, Loading, PageTitle, Time } from "../components/common";
import { shortId, viewerZone, zonedTime } from "../format";
import { useLiveQuery } from "../live";
import { href, seg } from "../router";
import type { Schedule } from "../types";

export function Schedules() {
  const q = useLiveQuery(
    () => api<{ schedules: Schedule[] }>("schedules?next=3").then((r) => r.schedules),
    (e) => e.type.startsWith("schedule:"),
    [],
    500,
  );
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
                <th>Last run</th>
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
                    <Time at={s.lastFireAt} compact />
                    {s.lastJobId && (
                      <div>
                        <a class="mono small" href={href(`/jobs/${seg(s.lastJobId)}`)} data-last-job>
                          {shortId(s.lastJobId)}
                        </a>
                      </div>
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
