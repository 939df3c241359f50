/**
 * A job's family on its page: the job that made it (the parent that spawned it with `ctx.spawn`,
 * `meta.spawnedBy`; the job whose outcome made a `then` / `catch` follow-up, `meta.parent`) and
 * the children it spawned (`GET /api/jobs/{id}/children`), with their states, live.
 */
import { useRef } from "preact/hooks";
import { api } from "../api";
import { num, shortId } from "../format";
import { useLiveQuery } from "../live";
import { href, seg } from "../router";
import type { Job, JobChildren } from "../types";
import { Empty, ErrorNote, Loading, StateBadge, Time } from "./common";

/** Re-read the children at most this often while their events arrive (a fan-out of 10,000 is one read a second). */
const CHILDREN_THROTTLE_MS = 1000;

/** `meta.parent` of a follow-up: `{ id, outcome }` (src/core/follow-ups.ts). */
function followUpOf(meta: Record<string, unknown>): { id: string; outcome: string } | null {
  const p = meta.parent as { id?: unknown; outcome?: unknown } | undefined;
  return p && typeof p.id === "string" && typeof p.outcome === "string"
    ? { id: p.id, outcome: p.outcome }
    : null;
}

/** Whether the job ever spawned children (`meta.spawn`, written by the spawn; src/core/spawn.ts). */
export function hasSpawned(job: Job): boolean {
  const s = job.meta.spawn as { round?: unknown } | undefined;
  return !!s && typeof s === "object" && typeof s.round === "number";
}

/** The "Spawned by" / "Follow-up of" rows of the facts list (nothing for a job no job made). */
export function ParentFacts({ job }: { job: Job }) {
  const spawnedBy = typeof job.meta.spawnedBy === "string" ? job.meta.spawnedBy : null;
  const followUp = followUpOf(job.meta);
  return (
    <>
      {spawnedBy && (
        <>
          <dt>Spawned by</dt>
          <dd>
            <a class="mono" data-parent="spawn" href={href(`/jobs/${seg(spawnedBy)}`)}>
              {spawnedBy}
            </a>
          </dd>
        </>
      )}
      {followUp && (
        <>
          <dt>Follow-up of</dt>
          <dd>
            <a class="mono" data-parent="follow-up" href={href(`/jobs/${seg(followUp.id)}`)}>
              {followUp.id}
            </a>{" "}
            <span class="muted">
              ({followUp.outcome === "failed" ? "catch: it failed" : "then: it completed"})
            </span>
          </dd>
        </>
      )}
    </>
  );
}

/** The children a job spawned, every round, in spawn order; re-read when an event names one of them. */
export function Children({ id }: { id: string }) {
  const known = useRef(new Set<string>());
  const kids = useLiveQuery(
    () =>
      api<JobChildren>(`jobs/${seg(id)}/children`).then((c) => {
        known.current = new Set(c.children.map((k) => k.id));
        return c;
      }),
    // The parent's own events too: a resumed parent may spawn another round.
    (e) => e.jobId === id || known.current.has(e.jobId),
    [id],
    CHILDREN_THROTTLE_MS,
  );
  const c = kids.data;
  return (
    <section class="children" aria-label="Children">
      <h2>
        Children{c ? ` (${num(c.total)})` : ""}
        {c && c.round > 1 && <span class="muted"> · {c.round} spawn rounds</span>}
      </h2>
      <ErrorNote error={kids.error} />
      {!c ? (
        !kids.error && <Loading what="the children" />
      ) : c.total === 0 ? (
        <Empty>No children left (retention may have removed them).</Empty>
      ) : (
        <>
          <p class="child-counts" data-child-counts>
            {Object.entries(c.counts).map(([state, n]) => (
              <span key={state} class="child-count">
                <StateBadge state={state} /> {num(n ?? 0)}
              </span>
            ))}
          </p>
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Id</th>
                  <th>Task</th>
                  <th>State</th>
                  <th class="wide-only">Attempt</th>
                  <th class="wide-only">Finished</th>
                  <th>Last error</th>
                </tr>
              </thead>
              <tbody>
                {c.children.map((k, i) => (
                  <tr key={k.id} data-child={k.id} data-state={k.state}>
                    <td class="num muted">{i + 1}</td>
                    <td class="mono">
                      <a href={href(`/jobs/${seg(k.id)}`)}>{shortId(k.id)}</a>
                    </td>
                    <td>{k.task}</td>
                    <td>
                      <StateBadge state={k.state} />
                    </td>
                    <td class="wide-only">
                      {k.attempt} of {k.maxAttempts}
                    </td>
                    <td class="wide-only">
                      <Time at={k.finishedAt} compact />
                    </td>
                    <td class="error-cell">{k.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {c.children.length < c.total && (
            <p class="muted">
              The first {num(c.children.length)} of {num(c.total)} are listed.
            </p>
          )}
        </>
      )}
    </section>
  );
}
