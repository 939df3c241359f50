/** The audit log: every admin action, newest first (admin only). */
import { useState } from "preact/hooks";
import { api, query } from "../api";
import { Empty, ErrorNote, Loading, Pager, PageTitle, Time } from "../components/common";
import { useLiveQuery } from "../live";
import type { AuditEntry } from "../types";

export function Audit() {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const q = useLiveQuery(
    () => api<{ entries: AuditEntry[]; nextCursor: string | null }>(`audit${query({ limit: 100, cursor })}`),
    () => false,
    [cursor],
  );
  return (
    <>
      <PageTitle title="Audit log">
        <button type="button" onClick={() => (cursors.length ? setCursors([]) : q.reload())}>
          Newest
        </button>
      </PageTitle>
      <ErrorNote error={q.error} />
      {!q.data ? (
        !q.error && <Loading what="the audit log" />
      ) : q.data.entries.length === 0 ? (
        <Empty>No admin action yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table class="list" aria-label="Audit log">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Outcome</th>
                <th class="wide-only">From</th>
              </tr>
            </thead>
            <tbody>
              {q.data.entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td>
                    <Time at={e.at} />
                  </td>
                  <td>
                    {e.actor}{" "}
                    <span class="muted small">
                      ({e.role}, {e.via})
                    </span>
                  </td>
                  <td class="mono">{e.action}</td>
                  <td class="mono small">{e.target ?? "—"}</td>
                  <td>
                    <span class={`badge ${e.outcome === "ok" ? "state-completed" : "state-failed"}`}>
                      {e.outcome}
                    </span>
                  </td>
                  <td class="wide-only muted">{e.address ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        onBack={cursors.length ? () => setCursors((c) => c.slice(0, -1)) : null}
        onNext={q.data?.nextCursor ? () => setCursors((c) => [...c, q.data!.nextCursor!]) : null}
      />
    </>
  );
}
