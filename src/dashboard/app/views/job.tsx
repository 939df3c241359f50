/**
 * One job: state, actions, timing, progress, input, result, error history with stacks, logs,
 * metadata, trace id, and links to its dependencies, its workflow, its schedule, the job that made
 * it (spawn parent, follow-up's parent), the children it spawned and its then / catch follow-ups. Live: the
 * job is re-read when an event about it arrives (throttled), so a retried job is seen going
 * queued → running → completed without a reload.
 */
import { api } from "../api";
import { ActionBar, JOB_ACTIONS } from "../components/actions";
import { Copy, ErrorNote, Json, Loading, PageTitle, Progress, StateBadge, Time } from "../components/common";
import { InputEditor } from "../components/input-editor";
import { Children, hasSpawned, ParentFacts } from "../components/job-family";
import { FollowUps } from "../components/job-follow-ups";
import { PriorityForm } from "../components/priority";
import { duration } from "../format";
import { useLiveQuery } from "../live";
import { href, navigate, seg } from "../router";
import type { Job, LogLine } from "../types";

/** A spawn parent depends on each of its children (listed below): the facts show the first few ids. */
const DEPENDS_SHOWN = 20;

/** The trace id of a W3C `traceparent` ("00-<trace id>-<span id>-<flags>"). */
function traceId(meta: Record<string, unknown>): string | null {
  const tp = meta.traceparent;
  if (typeof tp !== "string") return null;
  return /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(tp)?.[1] ?? null;
}

export function JobDetail({ id }: { id: string }) {
  const job = useLiveQuery(
    () => api<Job>(`jobs/${seg(id)}`),
    (e) => e.jobId === id,
    [id],
    500,
  );
  const logs = useLiveQuery(
    () => api<{ logs: LogLine[] }>(`jobs/${seg(id)}/logs?limit=500`).then((r) => r.logs),
    (e) => e.jobId === id && (e.type === "job:log" || e.type === "job:completed" || e.type === "job:failed"),
    [id],
    1000,
  );
  const j = job.data;
  if (!j)
    return (
      <>
        <PageTitle title="Job" />
        <ErrorNote error={job.error} />
        {!job.error && <Loading what="the job" />}
      </>
    );
  const workflow = j.meta.workflow as { id?: string; node?: string } | undefined;
  const schedule = typeof j.meta.schedule === "string" ? j.meta.schedule : null;
  const trace = traceId(j.meta);
  const ran = j.startedAt !== null ? (j.finishedAt ?? Date.now()) - j.startedAt : null;
  return (
    <>
      <PageTitle title={`Job ${j.task}`}>
        <ActionBar
          params={{ id }}
          actions={JOB_ACTIONS.filter((a) => a.states.includes(j.state))}
          onDone={(a) => (a.id === "delete" ? navigate("/jobs") : job.reload())}
        />
      </PageTitle>
      <ErrorNote error={job.error} />
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">
          {j.id} <Copy text={j.id} />
        </dd>
        <dt>State</dt>
        <dd>
          <StateBadge state={j.state} />
        </dd>
        <dt>Queue</dt>
        <dd>
          <a href={href("/jobs", { queue: j.queue })}>{j.queue}</a>
        </dd>
        <dt>Attempt</dt>
        <dd>
          {j.attempt} of {j.maxAttempts}
        </dd>
        <dt>Priority</dt>
        <dd data-priority={j.priority}>
          {j.priority}
          {(j.state === "waiting" || j.state === "scheduled" || j.state === "queued") && (
            <PriorityForm key={`${j.id}-${j.priority}`} id={j.id} priority={j.priority} onDone={job.reload} />
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <Time at={j.createdAt} />
        </dd>
        <dt>Runs at</dt>
        <dd>
          <Time at={j.runAt} />
        </dd>
        <dt>Started</dt>
        <dd>
          <Time at={j.startedAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time at={j.finishedAt} />
        </dd>
        {ran !== null && (
          <>
            <dt>{j.finishedAt ? "Ran for" : "Running for"}</dt>
            <dd>{duration(ran)}</dd>
          </>
        )}
        {j.workerId && (
          <>
            <dt>Worker</dt>
            <dd class="mono">{j.workerId}</dd>
          </>
        )}
        {j.key && (
          <>
            <dt>Key</dt>
            <dd class="mono">
              {j.key} <Copy text={j.key} />
            </dd>
          </>
        )}
        {trace && (
          <>
            <dt>Trace id</dt>
            <dd class="mono">
              {trace} <Copy text={trace} />
            </dd>
          </>
        )}
        {workflow?.id && (
          <>
            <dt>Workflow</dt>
            <dd>
              <a href={href(`/workflows/${seg(workflow.id)}`)}>{workflow.id}</a> (node {workflow.node})
            </dd>
          </>
        )}
        <ParentFacts job={j} />
        {schedule && (
          <>
            <dt>Schedule</dt>
            <dd>
              <a href={href("/schedules")}>{schedule}</a>
            </dd>
          </>
        )}
        {j.dependsOn.length > 0 && (
          <>
            <dt>Depends on</dt>
            <dd>
              {j.dependsOn.slice(0, DEPENDS_SHOWN).map((d) => (
                <a key={d} class="mono dep" href={href(`/jobs/${seg(d)}`)}>
                  {d}
                </a>
              ))}
              {j.dependsOn.length > DEPENDS_SHOWN && (
                <span class="muted"> and {j.dependsOn.length - DEPENDS_SHOWN} more</span>
              )}
              {j.pendingDependencies > 0 && <span class="muted"> ({j.pendingDependencies} not done)</span>}
            </dd>
          </>
        )}
      </dl>
      {hasSpawned(j) && <Children id={j.id} />}
      <FollowUps id={j.id} />
      {j.progress && <Progress percent={j.progress.percent} message={j.progress.message} />}
      {j.errors.length > 0 && (
        <section class="errors" aria-label="Error history">
          <h2>Errors ({j.errors.length})</h2>
          {[...j.errors].reverse().map((e, i) => (
            <details key={`${e.attempt}-${e.at}`} open={i === 0} class="error-entry">
              <summary>
                Attempt {e.attempt}: <strong>{e.name}</strong>
                {e.code ? ` [${e.code}]` : ""}: {e.message} · <Time at={e.at} />
              </summary>
              {e.stack ? (
                <div class="stack-wrap">
                  <Copy text={e.stack} label="Copy stack" />
                  <pre class="stack">{e.stack}</pre>
                </div>
              ) : (
                <p class="muted">No stack recorded.</p>
              )}
            </details>
          ))}
        </section>
      )}
      {(j.state === "waiting" || j.state === "scheduled" || j.state === "queued") && (
        <InputEditor key={`${j.id}-${j.updatedAt}`} id={j.id} input={j.input} onDone={job.reload} />
      )}
      <div class="json-grid">
        <Json label="Input" value={j.input} />
        {j.state === "completed" && <Json label="Result" value={j.result} />}
        <Json label="Metadata" value={j.meta} />
      </div>
      <section aria-label="Logs">
        <h2>Logs</h2>
        {!logs.data ? (
          <Loading what="logs" />
        ) : logs.data.length === 0 ? (
          <p class="muted">The handler wrote no log lines (ctx.log).</p>
        ) : (
          <ol class="logs">
            {logs.data.map((l, i) => (
              <li key={`${l.at}-${i}`} class={`log-${l.level}`}>
                <Time at={l.at} compact /> <span class="level">{l.level}</span>{" "}
                <span class="muted">#{l.attempt}</span> {l.message}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
