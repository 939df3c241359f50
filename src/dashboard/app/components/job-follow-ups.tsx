/**
 * A job's then / catch follow-ups on its page (`GET /api/jobs/{id}/follow-ups`): the templates
 * still waiting for its outcome, then the job its outcome made, with that job's state, live. The
 * follow-up's own page links back ("Follow-up of", job-family.tsx). Nothing is shown for a job
 * without follow-ups.
 */
import { useRef } from "preact/hooks";
import { api } from "../api";
import { shortId } from "../format";
import { useLiveQuery } from "../live";
import { href, seg } from "../router";
import type { JobFollowUp } from "../types";
import { ErrorNote, StateBadge, Time } from "./common";

const THROTTLE_MS = 500;

function when(f: JobFollowUp): string {
  if (f.outcome === "completed") return f.made ? "then: made when it completed" : "then: when it completes";
  return f.made ? "catch: made when it failed" : "catch: when it fails";
}

export function FollowUps({ id }: { id: string }) {
  // Follow-up ids are chosen at enqueue, so a pending one's id is known before its job exists.
  const known = useRef(new Set<string>());
  const q = useLiveQuery(
    () =>
      api<{ followUps: JobFollowUp[] }>(`jobs/${seg(id)}/follow-ups`).then((r) => {
        known.current = new Set(r.followUps.map((f) => f.id));
        return r.followUps;
      }),
    // The job's own outcome writes the follow-up (same write, same event batch); the follow-up's
    // events move its state.
    (e) => e.jobId === id || known.current.has(e.jobId),
    [id],
    THROTTLE_MS,
  );
  const list = q.data;
  if (!q.error && (!list || list.length === 0)) return null;
  return (
    <section class="follow-ups" aria-label="Follow-ups">
      <h2>Follow-ups</h2>
      <ErrorNote error={q.error} />
      {list && (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th>When</th>
                <th>Id</th>
                <th>Task</th>
                <th>State</th>
                <th class="wide-only">Finished</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {list.map((f) => (
                <tr key={f.id} data-follow-up={f.id} data-outcome={f.outcome} data-made={String(f.made)}>
                  <td>{when(f)}</td>
                  <td class="mono">
                    {f.made && f.state ? (
                      <a href={href(`/jobs/${seg(f.id)}`)}>{shortId(f.id)}</a>
                    ) : (
                      <span class="muted">{shortId(f.id)}</span>
                    )}
                  </td>
                  <td>
                    {f.task} <span class="muted">({f.queue})</span>
                  </td>
                  <td data-follow-up-state={f.state ?? ""}>
                    {f.state ? (
                      <StateBadge state={f.state} />
                    ) : (
                      <span class="muted">{f.made ? "removed" : "not yet"}</span>
                    )}
                  </td>
                  <td class="wide-only">
                    <Time at={f.finishedAt} compact />
                  </td>
                  <td class="error-cell">{f.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
