/**
 * Action buttons driven by what the API offers: each action names the API route it calls; the
 * button shows only when the server's OpenAPI document has that route, the caller is admin, and
 * the target's state allows it. Actions that need backend support still to come (promote,
 * change priority, bulk by filter) are listed here and appear by themselves once the server
 * offers their routes. Destructive ones ask first, in a modal dialog.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, offeredPaths } from "../api";
import { useMe } from "../session";

export interface ActionSpec {
  id: string;
  label: string;
  method: "POST" | "DELETE";
  /** The OpenAPI path template, e.g. "/api/jobs/{id}/retry". */
  route: string;
  /** Ask before doing it: the question. */
  confirm?: string;
  danger?: boolean;
  /** A body to send (e.g. a priority asked for in a prompt). */
  body?: () => unknown;
}

export function useOffered(): Set<string> | null {
  const [paths, setPaths] = useState<Set<string> | null>(null);
  useEffect(() => {
    void offeredPaths().then(setPaths);
  }, []);
  return paths;
}

export function ActionBar({
  actions,
  params,
  onDone,
}: {
  actions: ActionSpec[];
  /** Values for the route's `{…}` placeholders. */
  params: Record<string, string>;
  onDone?: (action: ActionSpec, result: unknown) => void;
}) {
  const me = useMe();
  const offered = useOffered();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<ActionSpec | null>(null);
  if (me?.role !== "admin" || !offered) return null;
  const visible = actions.filter((a) => offered.has(`${a.method} ${a.route}`));
  if (visible.length === 0) return null;

  const run = async (a: ActionSpec) => {
    setAsking(null);
    setBusy(a.id);
    setError(null);
    try {
      const path = a.route
        .replace(/^\/api\//, "")
        .replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ""));
      const body = a.body?.();
      const result = await api(path, body === undefined ? { method: a.method } : { method: a.method, body });
      onDone?.(a, result);
    } catch (err) {
      setError(err instanceof ApiError ? `${a.label}: ${err.message}` : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <fieldset class="actions">
      <legend class="offscreen">Actions</legend>
      {visible.map((a) => (
        <button
          type="button"
          key={a.id}
          class={a.danger ? "danger" : ""}
          disabled={busy !== null}
          data-action={a.id}
          onClick={() => (a.confirm ? setAsking(a) : void run(a))}
        >
          {busy === a.id ? `${a.label}…` : a.label}
        </button>
      ))}
      {error && (
        <span class="error-note" role="alert">
          {error}
        </span>
      )}
      {asking && (
        <Confirm
          question={asking.confirm!}
          label={asking.label}
          onYes={() => void run(asking)}
          onNo={() => setAsking(null)}
        />
      )}
    </fieldset>
  );
}

export function Confirm({
  question,
  label,
  onYes,
  onNo,
}: {
  question: string;
  label: string;
  onYes: () => void;
  onNo: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} class="confirm" onCancel={onNo} aria-label="Confirm">
      <p>{question}</p>
      <div class="dialog-buttons">
        <button type="button" onClick={onNo}>
          Keep it
        </button>
        <button type="button" class="danger" onClick={onYes} data-confirm>
          {label}
        </button>
      </div>
    </dialog>
  );
}

/** Job actions, in the order shown. The state lists say when each makes sense. */
export const JOB_ACTIONS: (ActionSpec & { states: string[] })[] = [
  {
    id: "retry",
    label: "Retry",
    method: "POST",
    route: "/api/jobs/{id}/retry",
    states: ["failed", "cancelled"],
  },
  { id: "promote", label: "Run now", method: "POST", route: "/api/jobs/{id}/promote", states: ["scheduled"] },
  {
    id: "cancel",
    label: "Cancel",
    method: "POST",
    route: "/api/jobs/{id}/cancel",
    states: ["waiting", "scheduled", "queued", "running"],
    confirm:
      "Cancel this job? A running handler's signal aborts, and jobs that depend on it are cancelled too.",
    danger: true,
  },
  {
    id: "delete",
    label: "Delete",
    method: "DELETE",
    route: "/api/jobs/{id}",
    states: ["waiting", "scheduled", "queued", "completed", "failed", "cancelled"],
    confirm: "Delete this job for good? Its input, result and history go with it.",
    danger: true,
  },
];
