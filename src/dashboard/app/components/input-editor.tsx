/**
 * Replace the input of a job that has not started (POST /api/jobs/{id}/input): the JSON in a
 * text area, checked as JSON here and by the task's schema on the server (when the server has
 * the app). Admin only, shown when the server offers the route.
 */
import { useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { seg } from "../router";
import { useMe } from "../session";
import { useOffered } from "./actions";

export function InputEditor({ id, input, onDone }: { id: string; input: unknown; onDone: () => void }) {
  const me = useMe();
  const offered = useOffered();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(() => JSON.stringify(input, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (me?.role !== "admin" || !offered?.has("POST /api/jobs/{id}/input")) return null;
  if (!open)
    return (
      <button type="button" data-action="edit-input" onClick={() => setOpen(true)}>
        Edit input
      </button>
    );
  const save = async () => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      setError(`not JSON: ${(err as Error).message}`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`jobs/${seg(id)}/input`, { method: "POST", body: { input: value } });
      setOpen(false);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="input-editor"
      aria-label="Edit input"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <textarea
        name="input"
        rows={8}
        aria-label="New input (JSON)"
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <div class="dialog-buttons">
        <button type="button" onClick={() => setOpen(false)}>
          Keep it
        </button>
        <button type="submit" disabled={busy}>
          Save input
        </button>
      </div>
      {error && (
        <p class="error-note" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
