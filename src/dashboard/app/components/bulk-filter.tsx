/**
 * Bulk actions on everything matching the jobs list's current filter (not only the rows on
 * screen): "Retry all matching", "Cancel all matching" and "Delete all matching". A dry run
 * counts the matches first and the count is shown in the confirmation; the server then works
 * through them in batches (POST /api/jobs/retry-matching, cancel-matching, delete-matching).
 * Admin only, and only when the server offers those routes.
 */
import { useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { useMe } from "../session";
import { Confirm, useOffered } from "./actions";

/** The filter as the bulk routes take it (the list's filters, times resolved to epoch ms). */
export interface BulkFilter {
  state?: string[];
  task?: string;
  queue?: string;
  search?: string;
  createdAfter?: number;
  createdBefore?: number;
}

interface Counts {
  matched: number;
  affected: number;
  skipped: number;
  /** Cancel only: dependents outside the filter cancelled with the matches. */
  cascaded?: number;
}

const KINDS = {
  retry: {
    label: "Retry all matching",
    verb: "Retry",
    past: "Retried",
    route: "/api/jobs/retry-matching",
    what: (f: BulkFilter) => (f.state ? "" : " failed or cancelled"),
    why: "",
  },
  cancel: {
    label: "Cancel all matching",
    verb: "Cancel",
    past: "Cancelled",
    route: "/api/jobs/cancel-matching",
    what: (f: BulkFilter) => (f.state ? "" : " unfinished"),
    why: " Running handlers' signals abort, and jobs that depend on them are cancelled too.",
  },
  delete: {
    label: "Delete all matching",
    verb: "Delete",
    past: "Deleted",
    route: "/api/jobs/delete-matching",
    what: () => "",
    why: "",
  },
} as const;
type Kind = keyof typeof KINDS;

export function BulkByFilter({ filter, onDone }: { filter: BulkFilter; onDone: () => void }) {
  const me = useMe();
  const offered = useOffered();
  const [busy, setBusy] = useState<Kind | null>(null);
  const [asking, setAsking] = useState<{ kind: Kind; matched: number } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  if (me?.role !== "admin" || !offered) return null;
  const kinds = (Object.keys(KINDS) as Kind[]).filter((k) => offered.has(`POST ${KINDS[k].route}`));
  // Cancelling and deleting need a filter: "everything" is not a filter.
  const narrowed = Object.values(filter).some((v) => v !== undefined);
  const shown = kinds.filter((k) => k === "retry" || narrowed);
  if (shown.length === 0) return null;

  const call = (kind: Kind, dryRun: boolean) =>
    api<Counts>(KINDS[kind].route.replace(/^\/api\//, ""), { method: "POST", body: { ...filter, dryRun } });

  const count = async (kind: Kind) => {
    setBusy(kind);
    setNote(null);
    try {
      const { matched } = await call(kind, true);
      if (matched === 0) setNote(`No${KINDS[kind].what(filter)} jobs match these filters.`);
      else setAsking({ kind, matched });
    } catch (err) {
      setNote(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const run = async (kind: Kind) => {
    setAsking(null);
    setBusy(kind);
    try {
      const out = await call(kind, false);
      const skipped = out.skipped > 0 ? ` (${out.skipped} skipped: their state changed)` : "";
      const cascaded = out.cascaded
        ? ` ${out.cascaded} ${out.cascaded === 1 ? "job that depends" : "jobs that depend"} on them ${out.cascaded === 1 ? "was" : "were"} cancelled too.`
        : "";
      setNote(`${KINDS[kind].past} ${out.affected} of ${out.matched} matching jobs${skipped}.${cascaded}`);
      onDone();
    } catch (err) {
      setNote(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <fieldset class="actions bulk" aria-label="Act on every matching job">
      <legend class="offscreen">Act on every matching job</legend>
      {shown.map((k) => (
        <button
          type="button"
          key={k}
          class={k === "delete" ? "danger" : ""}
          disabled={busy !== null}
          data-bulk={k}
          onClick={() => void count(k)}
        >
          {busy === k ? `${KINDS[k].label}…` : KINDS[k].label}
        </button>
      ))}
      {note && (
        <span class="muted" role="status" data-bulk-note>
          {note}
        </span>
      )}
      {asking && (
        <Confirm
          question={`${asking.matched}${KINDS[asking.kind].what(filter)} ${asking.matched === 1 ? "job matches" : "jobs match"} these filters. ${KINDS[asking.kind].verb} ${asking.matched === 1 ? "it" : "all of them"}?${KINDS[asking.kind].why}`}
          label={`${KINDS[asking.kind].verb} ${asking.matched}`}
          onYes={() => void run(asking.kind)}
          onNo={() => setAsking(null)}
        />
      )}
    </fieldset>
  );
}
