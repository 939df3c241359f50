/**
 * Bulk actions on hand-picked rows of the jobs list: a checkbox per row (or `x` on the row the
 * keyboard is on), one in the header for every row of the page, and a bar that retries, cancels
 * or deletes the picked jobs through POST /api/jobs/{retry,cancel,delete}-selected. Each asks
 * first, saying how many of the picked jobs the action applies to by their state on screen;
 * the server checks each state again and the note says how many it skipped.
 *
 * Picks are ids, not row positions: a row that changes state live keeps its pick. They are
 * dropped when the page or the filters change, so an action never reaches rows out of sight.
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { useMe } from "../session";
import type { Job } from "../types";
import { Confirm, JOB_ACTIONS, useOffered } from "./actions";

const KINDS = {
  retry: { verb: "Retry", past: "Retried", route: "/api/jobs/retry-selected", from: "retry" },
  cancel: { verb: "Cancel", past: "Cancelled", route: "/api/jobs/cancel-selected", from: "cancel" },
  delete: { verb: "Delete", past: "Deleted", route: "/api/jobs/delete-selected", from: "delete" },
} as const;
type Kind = keyof typeof KINDS;

const WHY: Record<Kind, string> = {
  retry: "Failed and cancelled jobs run again with fresh attempts.",
  cancel: "Running handlers' signals abort, and jobs that depend on them are cancelled too.",
  delete: "Their input, result and history go with them.",
};

/** The states each action applies to, as the single-job buttons know them. */
function applies(kind: Kind, job: Job): boolean {
  return JOB_ACTIONS.find((a) => a.id === KINDS[kind].from)?.states.includes(job.state) ?? false;
}

/** Whether the caller may pick rows at all: an admin, on a server that offers the routes. */
export function useCanPick(): boolean {
  const me = useMe();
  const offered = useOffered();
  if (me?.role !== "admin" || !offered) return false;
  return (Object.keys(KINDS) as Kind[]).some((k) => offered.has(`POST ${KINDS[k].route}`));
}

/** The picked ids, emptied whenever `scope` (the page and its filters) changes. */
export function usePicks(scope: string) {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setPicked(new Set()), [scope]);
  return {
    picked,
    toggle: (id: string) =>
      setPicked((s) => {
        const next = new Set(s);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    setAll: (ids: string[], on: boolean) => setPicked(on ? new Set(ids) : new Set()),
    clear: () => setPicked((s) => (s.size ? new Set() : s)),
  };
}

/** The header's checkbox: every row of this page, or none; "mixed" when some are picked. */
export function PickAll({
  jobs,
  picked,
  setAll,
}: {
  jobs: Job[];
  picked: ReadonlySet<string>;
  setAll: (ids: string[], on: boolean) => void;
}) {
  const count = jobs.filter((j) => picked.has(j.id)).length;
  const all = count > 0 && count === jobs.length;
  return (
    <input
      type="checkbox"
      aria-label="Select every job on this page"
      data-pick-all
      checked={all}
      indeterminate={count > 0 && !all}
      onChange={() =>
        setAll(
          jobs.map((j) => j.id),
          !all,
        )
      }
    />
  );
}

export function PickBox({
  job,
  picked,
  toggle,
}: {
  job: Job;
  picked: boolean;
  toggle: (id: string) => void;
}) {
  // The label fills the table cell: a bigger target than the box.
  return (
    <label>
      <input
        type="checkbox"
        aria-label={`Select job ${job.id}`}
        data-pick={job.id}
        checked={picked}
        onChange={() => toggle(job.id)}
      />
    </label>
  );
}

interface Outcome {
  affected: string[];
  skipped: string[];
  cascaded?: number;
}

export function SelectionBar({
  jobs,
  picked,
  clear,
  onDone,
}: {
  /** The rows on screen (their states say which actions apply). */
  jobs: Job[];
  picked: ReadonlySet<string>;
  clear: () => void;
  onDone: () => void;
}) {
  const offered = useOffered();
  const [asking, setAsking] = useState<Kind | null>(null);
  const [busy, setBusy] = useState<Kind | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // A new pick starts a new action: the last one's note goes.
  useEffect(() => {
    if (picked.size > 0) setNote(null);
  }, [picked]);
  const rows = jobs.filter((j) => picked.has(j.id));
  if (!offered || (rows.length === 0 && note === null)) return null;
  const kinds = (Object.keys(KINDS) as Kind[]).filter((k) => offered.has(`POST ${KINDS[k].route}`));
  const fitting = (k: Kind) => rows.filter((j) => applies(k, j)).length;

  const run = async (kind: Kind) => {
    setAsking(null);
    setBusy(kind);
    setNote(null);
    const ids = rows.map((j) => j.id);
    try {
      const out = await api<Outcome>(KINDS[kind].route.replace(/^\/api\//, ""), {
        method: "POST",
        body: { ids },
      });
      const skipped = out.skipped.length
        ? ` (${out.skipped.length} skipped: ${out.skipped.length === 1 ? "its" : "their"} state does not allow it)`
        : "";
      const cascaded = out.cascaded
        ? `, and ${out.cascaded} dependent ${out.cascaded === 1 ? "job" : "jobs"}`
        : "";
      setNote(
        `${KINDS[kind].past} ${out.affected.length} of ${ids.length} selected jobs${cascaded}${skipped}.`,
      );
      clear();
      onDone();
    } catch (err) {
      setNote(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <fieldset class="actions bulk selection" aria-label="Act on the selected jobs">
      <legend class="offscreen">Act on the selected jobs</legend>
      {rows.length > 0 && (
        <>
          <strong data-picked-count={rows.length}>{rows.length} selected</strong>
          {kinds.map((k) => (
            <button
              type="button"
              key={k}
              class={k === "retry" ? "" : "danger"}
              disabled={busy !== null || fitting(k) === 0}
              title={
                fitting(k) === 0
                  ? `None of the selected jobs can be ${KINDS[k].past.toLowerCase()}`
                  : undefined
              }
              data-selected-action={k}
              onClick={() => setAsking(k)}
            >
              {busy === k ? `${KINDS[k].verb}…` : `${KINDS[k].verb} selected`}
            </button>
          ))}
          <button type="button" onClick={clear} disabled={busy !== null}>
            Clear selection
          </button>
        </>
      )}
      {note && (
        <span class="muted" role="status" data-selection-note>
          {note}
        </span>
      )}
      {asking && (
        <Confirm
          question={`${KINDS[asking].verb} ${fitting(asking)} of the ${rows.length} selected ${rows.length === 1 ? "job" : "jobs"}? ${WHY[asking]}${fitting(asking) < rows.length ? ` The other ${rows.length - fitting(asking)} ${rows.length - fitting(asking) === 1 ? "is" : "are"} in a state that does not allow it and will be skipped.` : ""}`}
          label={`${KINDS[asking].verb} ${fitting(asking)}`}
          onYes={() => void run(asking)}
          onNo={() => setAsking(null)}
        />
      )}
    </fieldset>
  );
}
