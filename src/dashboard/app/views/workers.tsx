/** Workers: host, pid, queues, concurrency, what each runs now, last heartbeat. */
import { api } from "../api";
import { Empty, ErrorNote, Loading, PageTitle, Time } from "../components/common";
import { shortId } from "../format";
import { useLiveQuery } from "../live";
import { href, seg } from "../router";
import type { Worker } from "../types";

export function Workers() {
  // Heartbeats are not on the change feed; job starts and ends are, and they change `running`.
  const q = useLiveQuery(
    () => api<{ workers: Worker[] }>("workers").then((r) => r.workers),
    (e) => e.type === "job:started" || e.type === "job:completed" || e.type === "job:failed",
    [],
    2000,
  );
  return (
    <>
      <PageTitle title="Workers">
        <button type="button" onClick={() => q.reload()}>
          Refresh
        </button>
      </PageTitle>
      <ErrorNote error={q.error} />
      {!q.data ? (
        <Loading what="workers" />
      ) : q.data.length === 0 ? (
        <Empty>No worker has sent a heartbeat lately. Start one with `spool worker`.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Host</th>
                <th class="num">Pid</th>
                <th>Queues</th>
                <th class="num">Busy</th>
                <th>Running now</th>
                <th>Started</th>
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((w) => (
                <tr key={w.id}>
                  <th scope="row" class="mono small">
                    {w.id}
                  </th>
                  <td>{w.host}</td>
                  <td class="num">{w.pid}</td>
                  <td>{w.queues.join(", ")}</td>
                  <td class="num">
                    {w.running.length}/{w.concurrency}
                  </td>
                  <td>
                    {w.running.slice(0, 10).map((id) => (
                      <a key={id} class="mono small dep" href={href(`/jobs/${seg(id)}`)}>
                        {shortId(id)}
                      </a>
                    ))}
                    {w.running.length > 10 && <span class="muted"> +{w.running.length - 10}</span>}
                  </td>
                  <td>
                    <Time at={w.startedAt} compact />
                  </td>
                  <td>
                    <Time at={w.lastSeenAt} compact />
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
